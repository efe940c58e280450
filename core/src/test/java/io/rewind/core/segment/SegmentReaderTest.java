package io.rewind.core.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestCodec;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.StoreLayout;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentReaderTest {

  @TempDir Path dir;
  private ObjectStore store;

  @BeforeEach
  void open() throws IOException {
    store = ObjectStore.open(dir.toUri().toString(), Map.of());
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  @Test
  void readsEveryRecordOfAVerifiedSegment() throws IOException {
    Manifest m = writeSegment(3, 10, 15, CodecFactory.zstandardCodec(3));

    List<ArchivedRecord> read = readAll(m);

    assertThat(read).extracting(ArchivedRecord::getOffset).containsExactly(10L, 11L, 12L, 13L, 14L);
    assertThat(StandardCharsets.UTF_8.decode(read.get(2).getValue()).toString()).isEqualTo("value-12");
    assertThat(read.get(0).getHeaders()).extracting(ArchivedHeader::getKey).containsExactly("rewind.table");
  }

  @Test
  void readsEveryCodec() throws IOException {
    for (CodecFactory codec :
        List.of(CodecFactory.nullCodec(), CodecFactory.deflateCodec(6), CodecFactory.snappyCodec())) {
      Manifest m = writeSegment(1, 0, 4, codec);
      assertThat(readAll(m)).hasSize(4);
    }
  }

  @Test
  void aFlippedByteFailsNamingTheSegment() throws IOException {
    Manifest m = writeSegment(2, 0, 50, CodecFactory.zstandardCodec(3));
    byte[] bytes = store.read(m.segmentPath);
    bytes[bytes.length / 2] ^= 0x01;
    store.write(m.segmentPath, bytes);

    assertThatThrownBy(() -> SegmentReader.open(store, m))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining("SHA-256");
  }

  @Test
  void aTruncatedSegmentFailsOnItsSize() throws IOException {
    Manifest m = writeSegment(2, 0, 5, CodecFactory.nullCodec());
    byte[] bytes = store.read(m.segmentPath);
    store.write(m.segmentPath, java.util.Arrays.copyOf(bytes, bytes.length - 1));

    assertThatThrownBy(() -> SegmentReader.open(store, m))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining("bytes");
  }

  @Test
  void aMissingSegmentFailsNamingItAndItsManifest() throws IOException {
    Manifest m = writeSegment(4, 7, 9, CodecFactory.nullCodec());
    store.delete(m.segmentPath);

    assertThatThrownBy(() -> SegmentReader.open(store, m))
        .isInstanceOf(MissingSegmentException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining(StoreLayout.manifest(4, 7));
  }

  @Test
  void aRecordOutsideTheManifestRangeIsCorruption() throws IOException {
    Manifest m = writeSegment(0, 0, 3, CodecFactory.nullCodec());
    m.endOffset = 2;

    try (SegmentReader reader = SegmentReader.open(store, m)) {
      reader.next();
      reader.next();
      assertThatThrownBy(reader::next).isInstanceOf(CorruptSegmentException.class).hasMessageContaining("offset 2");
    }
  }

  @Test
  void aRecordCountDifferentFromTheManifestIsCorruption() throws IOException {
    Manifest m = writeSegment(0, 0, 3, CodecFactory.nullCodec());
    m.recordCount = 4;

    assertThatThrownBy(() -> readAll(m)).isInstanceOf(CorruptSegmentException.class).hasMessageContaining("3 records");
  }

  private List<ArchivedRecord> readAll(Manifest m) throws IOException {
    List<ArchivedRecord> read = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open(store, m)) {
      reader.forEachRemaining(read::add);
    }
    return read;
  }

  private Manifest writeSegment(int partition, long start, long end, CodecFactory codec) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<ArchivedRecord> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ArchivedRecord.class))) {
      writer.setCodec(codec);
      writer.create(ArchivedRecord.getClassSchema(), out);
      for (long offset = start; offset < end; offset++) {
        writer.append(
            ArchivedRecord.newBuilder()
                .setOffset(offset)
                .setTimestamp(1000 + offset)
                .setKey(ByteBuffer.wrap(("key-" + offset).getBytes(StandardCharsets.UTF_8)))
                .setHeaders(List.of(new ArchivedHeader("rewind.table", ByteBuffer.wrap("ns:t".getBytes(StandardCharsets.UTF_8)))))
                .setValue(ByteBuffer.wrap(("value-" + offset).getBytes(StandardCharsets.UTF_8)))
                .build());
      }
    }
    byte[] bytes = out.toByteArray();
    Manifest m = new Manifest();
    m.partition = partition;
    m.startOffset = start;
    m.endOffset = end;
    m.segmentPath = StoreLayout.segment(partition, start, end);
    m.sizeBytes = bytes.length;
    m.recordCount = end - start;
    m.sha256 = ManifestCodec.Sha256.hex(bytes);
    store.write(m.segmentPath, bytes);
    return m;
  }
}
