package io.rewind.archiver;

import static io.rewind.archiver.TestRecords.edit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.segment.SealedSegment;
import io.rewind.store.segment.SegmentFormat;
import io.rewind.store.segment.SegmentReader;
import io.rewind.store.segment.SegmentWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentCommitterTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"zstd", "snappy", "deflate", "none"})
  void writesTheSegmentThenItsManifestAndReadsBackTheSameBytes(String codec) throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      SegmentWriter writer = new SegmentWriter(5, 40, 1 << 20, codec);
      List<ConsumerRecord<byte[], byte[]>> written = new ArrayList<>();
      for (long offset = 40; offset < 60; offset++) {
        ConsumerRecord<byte[], byte[]> r = edit(5, offset, 1_000 + offset, "ns:t", 100);
        r.value()[0] = (byte) offset;
        writer.append(r, null, 0);
        written.add(r);
      }
      SealedSegment sealed = writer.seal();

      Manifest m = new SegmentCommitter(store, "a1", () -> 77).commit(sealed);

      assertThat(store.exists(StoreLayout.segment(5, 40, 60))).isTrue();
      assertThat(m.sha256).isEqualTo(ManifestCodec.Sha256.hex(store.read(m.segmentPath)));
      assertThat(m.sizeBytes).isEqualTo(store.size(m.segmentPath));
      assertThat(m.committedAt).isEqualTo(77);
      assertThat(new ManifestStore(store).list(5))
          .singleElement()
          .satisfies(
              stored -> {
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
          assertThat(new String(bytes(r.getKey()), StandardCharsets.UTF_8))
              .isEqualTo("key-" + original.offset());
          assertThat(r.getHeaders()).hasSize(2);
        }
        assertThat(i).isEqualTo(20);
      }
      assertThat(store.list(StoreLayout.segmentsDir(5)))
          .as("no temporary or sidecar files")
          .hasSize(1);
    }
  }

  @Test
  void aSegmentOfGapsOnlyIsStillAValidContainer() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      SegmentWriter writer = new SegmentWriter(0, 0, 1 << 20, "zstd");
      writer.advanceTo(3, 0);

      Manifest m = new SegmentCommitter(store, "a1", () -> 1).commit(writer.seal());

      try (SegmentReader reader = SegmentReader.open(store, m)) {
        assertThat(reader.hasNext()).isFalse();
      }
    }
  }

  @Test
  void neverReplacesAManifestAnotherArchiverWroteAtTheSameStart() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      Manifest owner = new SegmentCommitter(store, "owner", () -> 1).commit(segment(2, 10, 30));
      SealedSegment zombie = segment(2, 10, 20);

      assertThatThrownBy(() -> new SegmentCommitter(store, "zombie", () -> 2).commit(zombie))
          .isInstanceOf(SegmentCommitter.Superseded.class)
          .hasMessageContaining("archiver owner");

      assertThat(new ManifestStore(store).list(2))
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.archiver).isEqualTo("owner");
                assertThat(m.endOffset).isEqualTo(30);
              });
      assertThat(store.exists(zombie.key()))
          .as("nothing written: the manifest was there before")
          .isFalse();
      try (SegmentReader reader = SegmentReader.open(store, owner)) {
        reader.forEachRemaining(r -> {});
      }
    }
  }

  static Stream<Arguments> codecsAndFormats() {
    return Stream.of("zstd", "snappy", "deflate", "none")
        .flatMap(
            codec -> Stream.of(SegmentFormat.values()).map(format -> Arguments.of(codec, format)));
  }

  @ParameterizedTest
  @MethodSource("codecsAndFormats")
  void aSegmentOfManyBlocksCompressedOnWorkerThreadsReadsBackInOrder(
      String codec, SegmentFormat format) throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      SegmentWriter writer = new SegmentWriter(7, 0, 64 << 20, format, codec, 3, workers);
      for (long offset = 0; offset < 32_000; offset++) {
        ConsumerRecord<byte[], byte[]> r = edit(7, offset, offset, "ns:t", 400);
        Arrays.fill(r.value(), (byte) (offset % 7));
        writer.append(r, null, 0);
      }
      SealedSegment sealed = writer.seal();
      assertThat(sealed.recordBytes()).isGreaterThan(3L * format.blockBytes());

      Manifest m = new SegmentCommitter(store, "a1", () -> 1).commit(sealed);

      List<Long> offsets = new ArrayList<>();
      try (SegmentReader reader = SegmentReader.open(store, m)) {
        assertThat(reader.format()).isEqualTo(format == SegmentFormat.COLUMNAR ? 2 : 1);
        reader.forEachRemaining(
            r -> {
              offsets.add(r.getOffset());
              assertThat(r.getValue().get(0)).isEqualTo((byte) (r.getOffset() % 7));
            });
      }
      assertThat(offsets).hasSize(32_000).isSorted();
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void twoArchiversSealingTheSameRangeProduceTheSameBytes() {
    assertThat(segment(1, 0, 50).bytes()).isEqualTo(segment(1, 0, 50).bytes());
    assertThat(segment(1, 0, 50).bytes()).isNotEqualTo(segment(1, 1, 50).bytes());
  }

  @Test
  void anEncryptedSegmentNamesItsKeyAndReadsBackOnlyWithIt() throws Exception {
    SegmentKey key = SegmentKey.of("k-test", new byte[32]);
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      SealedSegment sealed = segment(3, 0, 20);
      Manifest m =
          new SegmentCommitter(store, "a1", () -> 1, key, new UploadThrottle(0), ProtocolHook.NONE)
              .commit(sealed);

      assertThat(m.keyId).isEqualTo("k-test");
      assertThat(m.sha256)
          .as("the checksum covers the stored, encrypted bytes")
          .isEqualTo(ManifestCodec.Sha256.hex(store.read(m.segmentPath)));
      assertThat(store.read(m.segmentPath)).isNotEqualTo(sealed.bytes());
      List<Long> offsets = new ArrayList<>();
      try (SegmentReader reader = SegmentReader.open(store, m, key)) {
        reader.forEachRemaining(r -> offsets.add(r.getOffset()));
      }
      assertThat(offsets).hasSize(20).startsWith(0L).endsWith(19L);
      assertThatThrownBy(() -> SegmentReader.open(store, m))
          .isInstanceOf(SegmentKeyException.class);
    }
  }

  private static SealedSegment segment(int partition, long start, long end) {
    SegmentWriter writer = new SegmentWriter(partition, start, 1 << 20, "zstd");
    for (long offset = start; offset < end; offset++) {
      writer.append(edit(partition, offset, 1_000 + offset, "ns:t", 50), null, 0);
    }
    return writer.seal();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
