package io.rewind.archiver;

import static io.rewind.archiver.TestRecords.edit;
import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.core.segment.SegmentReader;
import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestCodec;
import io.rewind.core.store.ManifestStore;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.StoreLayout;
import io.rewind.schemas.ArchivedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentCommitterTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"zstd", "snappy", "deflate", "none"})
  void writesTheSegmentThenItsManifestAndReadsBackTheSameBytes(String codec) throws IOException {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      SegmentWriter writer = new SegmentWriter(5, 40, 1 << 20, 1000, codec);
      List<ConsumerRecord<byte[], byte[]>> written = new ArrayList<>();
      for (long offset = 40; offset < 60; offset++) {
        ConsumerRecord<byte[], byte[]> r = edit(5, offset, 1_000 + offset, "ns:t", 100);
        r.value()[0] = (byte) offset;
        writer.append(r, false, 0);
        written.add(r);
      }
      SealedSegment sealed = writer.seal();

      Manifest m = new SegmentCommitter(store, "a1", () -> 77).commit(sealed);

      assertThat(store.exists(StoreLayout.segment(5, 40, 60))).isTrue();
      assertThat(m.sha256).isEqualTo(ManifestCodec.Sha256.hex(store.read(m.segmentPath)));
      assertThat(m.sizeBytes).isEqualTo(store.size(m.segmentPath));
      assertThat(m.committedAt).isEqualTo(77);
      assertThat(new ManifestStore(store).list(5)).singleElement().satisfies(stored -> {
        assertThat(stored.startOffset).isEqualTo(40);
        assertThat(stored.endOffset).isEqualTo(60);
        assertThat(stored.sha256).isEqualTo(m.sha256);
      });
      try (SegmentReader reader = SegmentReader.open(store, m)) {
        int i = 0;
        while (reader.hasNext()) {
          ArchivedRecord r = reader.next();
          ConsumerRecord<byte[], byte[]> original = written.get(i++);
          assertThat(r.getOffset()).isEqualTo(original.offset());
          assertThat(r.getTimestamp()).isEqualTo(original.timestamp());
          assertThat(bytes(r.getValue())).isEqualTo(original.value());
          assertThat(new String(bytes(r.getKey()), StandardCharsets.UTF_8)).isEqualTo("key-" + original.offset());
          assertThat(r.getHeaders()).hasSize(2);
        }
        assertThat(i).isEqualTo(20);
      }
      assertThat(store.list(StoreLayout.segmentsDir(5))).as("no temporary or sidecar files").hasSize(1);
    }
  }

  @Test
  void aSegmentOfGapsOnlyIsStillAValidContainer() throws IOException {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      SegmentWriter writer = new SegmentWriter(0, 0, 1 << 20, 1000, "zstd");
      writer.advanceTo(3, 0);

      Manifest m = new SegmentCommitter(store, "a1", () -> 1).commit(writer.seal());

      try (SegmentReader reader = SegmentReader.open(store, m)) {
        assertThat(reader.hasNext()).isFalse();
      }
    }
  }

  private static byte[] bytes(java.nio.ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
