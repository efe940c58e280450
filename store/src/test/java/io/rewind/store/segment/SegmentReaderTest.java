package io.rewind.store.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
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
    assertThat(StandardCharsets.UTF_8.decode(read.get(2).getValue()).toString())
        .isEqualTo("value-12");
    assertThat(read.get(0).getHeaders())
        .extracting(ArchivedHeader::getKey)
        .containsExactly("rewind.table");
  }

  @Test
  void readsEveryCodec() throws IOException {
    for (CodecFactory codec :
        List.of(
            CodecFactory.nullCodec(), CodecFactory.deflateCodec(6), CodecFactory.snappyCodec())) {
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

    assertThatThrownBy(() -> readAll(m))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining("SHA-256");
  }

  @Test
  void aDamagedTailYieldsTheFirstRecordsThenFailsNamingTheSegment() throws IOException {
    // Uncompressed, so the damage only changes a value: the reader streams, and only the digest
    // checked after the last record can tell.
    Manifest m = writeSegment(2, 0, 50, CodecFactory.nullCodec());
    byte[] bytes = store.read(m.segmentPath);
    int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("value-48");
    bytes[at + 6] = '9';
    store.write(m.segmentPath, bytes);
    List<ArchivedRecord> read = new ArrayList<>();

    try (SegmentReader reader = SegmentReader.open(store, m)) {
      assertThatThrownBy(() -> reader.forEachRemaining(read::add))
          .isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining(m.segmentPath)
          .hasMessageContaining("SHA-256");
    }
    assertThat(read).hasSize(50);
    assertThat(StandardCharsets.UTF_8.decode(read.get(48).getValue()).toString())
        .isEqualTo("value-98");
  }

  @Test
  void aDecodingFailureCausedByDamageIsReportedAsTheDamage() throws IOException {
    Manifest m = writeSegment(2, 0, 50, CodecFactory.zstandardCodec(3));
    byte[] bytes = store.read(m.segmentPath);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 40; i++) {
      bytes[i] ^= 0x55;
    }
    store.write(m.segmentPath, bytes);

    assertThatThrownBy(() -> readAll(m))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining("SHA-256")
        .hasMessageContaining("reading it failed");
  }

  @Test
  void aTruncatedSegmentFailsOnItsSize() throws IOException {
    Manifest m = writeSegment(2, 0, 5, CodecFactory.nullCodec());
    byte[] bytes = store.read(m.segmentPath);
    store.write(m.segmentPath, Arrays.copyOf(bytes, bytes.length - 1));

    assertThatThrownBy(() -> readAll(m))
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
      assertThatThrownBy(reader::next)
          .isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining("offset 2");
    }
  }

  @Test
  void aRecordCountDifferentFromTheManifestIsCorruption() throws IOException {
    Manifest m = writeSegment(0, 0, 3, CodecFactory.nullCodec());
    m.recordCount = 4;

    assertThatThrownBy(() -> readAll(m))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining("3 records");
  }

  @Test
  void anEncryptedSegmentIsReadWithItsKeyAndRefusedWithoutItOrWithAnother() throws IOException {
    SegmentKey key = SegmentKey.of("k1", new byte[32]);
    Manifest m = writeSegment(4, 0, 5, CodecFactory.zstandardCodec(3), key);
    assertThat(m.keyId).isEqualTo("k1");
    assertThat(new String(store.read(m.segmentPath), StandardCharsets.ISO_8859_1))
        .doesNotContain("value-3");

    try (SegmentReader reader = SegmentReader.open(store, m, key)) {
      List<ArchivedRecord> read = new ArrayList<>();
      reader.forEachRemaining(read::add);
      assertThat(read).extracting(ArchivedRecord::getOffset).containsExactly(0L, 1L, 2L, 3L, 4L);
    }
    assertThatThrownBy(() -> SegmentReader.open(store, m))
        .isInstanceOf(SegmentKeyException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining("'k1'")
        .hasMessageContaining("no segment encryption key is configured")
        .hasMessageContaining(SegmentKey.KEY_FILE);
    assertThatThrownBy(() -> SegmentReader.open(store, m, SegmentKey.of("k2", new byte[32])))
        .isInstanceOf(SegmentKeyException.class)
        .hasMessageContaining("the configured key has id 'k2'");
    byte[] other = new byte[32];
    other[0] = 1;
    assertThatThrownBy(() -> SegmentReader.open(store, m, SegmentKey.of("k1", other)))
        .isInstanceOf(SegmentKeyException.class)
        .hasMessageContaining("wrong key material");
  }

  @Test
  void aStreamingSealedSegmentIsReadWithItsKeyAndItsDamageNamed() throws IOException {
    SegmentKey key = SegmentKey.of("k1", new byte[32]);
    Manifest m = writeSegment(4, 0, 40_000, CodecFactory.nullCodec(), key, true);
    assertThat(new String(store.read(m.segmentPath), 0, 4, StandardCharsets.ISO_8859_1))
        .isEqualTo("RWE2");

    try (SegmentReader reader = SegmentReader.open(store, m, key)) {
      List<ArchivedRecord> read = new ArrayList<>();
      reader.forEachRemaining(read::add);
      assertThat(read).hasSize(40_000);
      assertThat(StandardCharsets.UTF_8.decode(read.get(321).getValue()).toString())
          .isEqualTo("value-321");
    }
    byte[] other = new byte[32];
    other[0] = 1;
    assertThatThrownBy(() -> SegmentReader.open(store, m, SegmentKey.of("k1", other)))
        .isInstanceOf(SegmentKeyException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining("wrong key material");

    byte[] bytes = store.read(m.segmentPath);
    bytes[bytes.length - 20] ^= 0x01;
    store.write(m.segmentPath, bytes);
    assertThatThrownBy(
            () -> {
              try (SegmentReader reader = SegmentReader.open(store, m, key)) {
                reader.forEachRemaining(r -> {});
              }
            })
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(m.segmentPath)
        .hasMessageContaining("SHA-256");
  }

  @Test
  void sealingIsDeterministicAndBoundToTheSegmentPath() {
    SegmentKey key = SegmentKey.ofBase64(null, Base64.getEncoder().encodeToString(new byte[16]));
    byte[] plain = "segment bytes".getBytes(StandardCharsets.UTF_8);

    assertThat(key.id()).startsWith("sha256:").hasSize("sha256:".length() + 16);
    assertThat(key.encrypt(plain, "segments/p=0/a.avro"))
        .isEqualTo(key.encrypt(plain, "segments/p=0/a.avro"));
    assertThat(key.decrypt(key.encrypt(plain, "segments/p=0/a.avro"), "segments/p=0/a.avro"))
        .isEqualTo(plain);
    assertThatThrownBy(
            () -> key.decrypt(key.encrypt(plain, "segments/p=0/a.avro"), "segments/p=0/b.avro"))
        .isInstanceOf(SegmentKeyException.class);
    assertThatThrownBy(() -> SegmentKey.of("short", new byte[10]))
        .isInstanceOf(RewindException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.REFUSED)
        .hasMessageContaining("16, 24 or 32 bytes");
  }

  @Test
  void theKeyComesFromAFileOrAnEnvironmentVariable() throws IOException {
    String b64 = Base64.getEncoder().encodeToString(new byte[32]);
    Path file = dir.resolve("segment.key");
    Files.writeString(file, b64 + "\n");
    RewindConfig fromFile =
        RewindConfig.of(Map.of(SegmentKey.KEY_FILE, file.toString(), SegmentKey.KEY_ID, "prod-1"));
    assertThat(SegmentKey.fromConfig(fromFile, Map.of()).orElseThrow().id()).isEqualTo("prod-1");

    RewindConfig fromEnv = RewindConfig.of(Map.of(SegmentKey.KEY_ENV, "MY_SEGMENT_KEY"));
    assertThat(SegmentKey.fromConfig(fromEnv, Map.of("MY_SEGMENT_KEY", b64))).isPresent();
    assertThatThrownBy(() -> SegmentKey.fromConfig(fromEnv, Map.of()))
        .isInstanceOf(RewindException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.REFUSED)
        .hasMessageContaining("MY_SEGMENT_KEY");
    assertThat(SegmentKey.fromConfig(RewindConfig.of(Map.of()), Map.of())).isEmpty();
  }

  @Test
  void readsColumnarBlocksInOffsetOrderAndNamesTheSegmentOfAMalformedOne() throws IOException {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (long offset = 20; offset < 26; offset++) {
      RecordHeaders headers = new RecordHeaders();
      headers.add("rewind.table", "ns:t".getBytes(StandardCharsets.UTF_8));
      records.add(
          new ConsumerRecord<>(
              "t",
              4,
              offset,
              1000 + offset,
              TimestampType.CREATE_TIME,
              -1,
              -1,
              ("key-" + (30 - offset)).getBytes(StandardCharsets.UTF_8),
              ("value-" + offset).getBytes(StandardCharsets.UTF_8),
              headers,
              Optional.empty()));
    }
    ArchivedBlock first = ColumnarBlock.encode(records.subList(0, 3));
    ArchivedBlock second = ColumnarBlock.encode(records.subList(3, 6));
    Manifest m = writeBlocks(4, 20, 26, List.of(first, second));

    try (SegmentReader reader = SegmentReader.open(store, m)) {
      assertThat(reader.format()).isEqualTo(2);
    }
    List<ArchivedRecord> read = readAll(m);
    assertThat(read)
        .extracting(ArchivedRecord::getOffset)
        .containsExactly(20L, 21L, 22L, 23L, 24L, 25L);
    assertThat(StandardCharsets.UTF_8.decode(read.get(4).getValue()).toString())
        .isEqualTo("value-24");

    ArchivedBlock malformed =
        ArchivedBlock.newBuilder(second).setKeyRefs(ByteBuffer.wrap(new byte[] {0, 0, 9})).build();
    Manifest bad = writeBlocks(5, 20, 26, List.of(first, malformed));
    assertThatThrownBy(() -> readAll(bad))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(bad.segmentPath)
        .hasMessageContaining("does not decode");
  }

  private List<ArchivedRecord> readAll(Manifest m) throws IOException {
    List<ArchivedRecord> read = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open(store, m)) {
      reader.forEachRemaining(read::add);
    }
    return read;
  }

  private static byte[] sealStreaming(SegmentKey key, byte[] file, String path) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream sealing = key.encryptingStream(out, path)) {
      sealing.write(file);
    }
    return out.toByteArray();
  }

  /** A format 2 segment as any Avro writer would write it. */
  private Manifest writeBlocks(int partition, long start, long end, List<ArchivedBlock> blocks)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<ArchivedBlock> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(ArchivedBlock.class))) {
      writer.setCodec(CodecFactory.zstandardCodec(3));
      writer.create(ArchivedBlock.getClassSchema(), out);
      for (ArchivedBlock b : blocks) {
        writer.append(b);
      }
    }
    return store(partition, start, end, out.toByteArray(), null);
  }

  private Manifest writeSegment(int partition, long start, long end, CodecFactory codec)
      throws IOException {
    return writeSegment(partition, start, end, codec, null);
  }

  private Manifest writeSegment(
      int partition, long start, long end, CodecFactory codec, SegmentKey key) throws IOException {
    return writeSegment(partition, start, end, codec, key, false);
  }

  private Manifest writeSegment(
      int partition, long start, long end, CodecFactory codec, SegmentKey key, boolean streaming)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<ArchivedRecord> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(ArchivedRecord.class))) {
      writer.setCodec(codec);
      writer.create(ArchivedRecord.getClassSchema(), out);
      for (long offset = start; offset < end; offset++) {
        writer.append(
            ArchivedRecord.newBuilder()
                .setOffset(offset)
                .setTimestamp(1000 + offset)
                .setKey(ByteBuffer.wrap(("key-" + offset).getBytes(StandardCharsets.UTF_8)))
                .setHeaders(
                    List.of(
                        new ArchivedHeader(
                            "rewind.table",
                            ByteBuffer.wrap("ns:t".getBytes(StandardCharsets.UTF_8)))))
                .setValue(ByteBuffer.wrap(("value-" + offset).getBytes(StandardCharsets.UTF_8)))
                .build());
      }
    }
    return store(partition, start, end, out.toByteArray(), key, streaming);
  }

  private Manifest store(int partition, long start, long end, byte[] file, SegmentKey key)
      throws IOException {
    return store(partition, start, end, file, key, false);
  }

  /**
   * Writes a segment's bytes (encrypted when a key is given: RWE2 when streaming, else RWE1) and
   * returns the manifest that commits them.
   */
  private Manifest store(
      int partition, long start, long end, byte[] file, SegmentKey key, boolean streaming)
      throws IOException {
    String path = StoreLayout.segment(partition, start, end);
    byte[] bytes =
        key == null ? file : streaming ? sealStreaming(key, file, path) : key.encrypt(file, path);
    Manifest m = new Manifest();
    m.keyId = key == null ? null : key.id();
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
