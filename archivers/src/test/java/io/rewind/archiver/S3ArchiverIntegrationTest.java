package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.client.store.StoreRequests;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.kafka.TopicCreator;
import io.rewind.store.segment.SealedSegment;
import io.rewind.store.segment.SegmentReader;
import io.rewind.store.segment.SegmentWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archivers on a real S3 API: S3Proxy on 127.0.0.1 reached through hadoop-aws S3A with path-style
 * requests, as MinIO or AWS S3 would be. One stack for the class; each test its own prefix.
 */
class S3ArchiverIntegrationTest {

  private static final int PARTITIONS = 2;
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static EmbeddedStack stack;

  @TempDir Path tmp;

  @BeforeAll
  static void startStack() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(PARTITIONS).withS3(true).start();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private RewindConfig config(String name) throws Exception {
    RewindConfig config =
        stack
            .config()
            .with(RewindConfig.TOPIC_PREFIX, name + ".")
            .with(RewindConfig.ARCHIVER_GROUP, "archivers-" + name)
            .with(RewindConfig.STORE_URI, stack.storeUri() + "-" + name)
            .with(RewindConfig.SEGMENT_MAX_AGE_MS, "200");
    try (var admin = new KafkaClients(config).admin("test-admin")) {
      new TopicCreator(admin).createMissing(config);
    }
    return config;
  }

  private static Map<Integer, Map<Long, String>> produce(RewindConfig config, int n)
      throws Exception {
    KafkaClients clients = new KafkaClients(config);
    Map<Integer, Map<Long, String>> sent = new TreeMap<>();
    try (KafkaProducer<byte[], byte[]> producer = clients.producer("test-producer")) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ProducerRecord<byte[], byte[]> r =
            new ProducerRecord<>(
                clients.topics().edits(),
                i % PARTITIONS,
                1_700_000_000_000L + i,
                ("row-" + i).getBytes(StandardCharsets.UTF_8),
                ("secret-value-" + i).getBytes(StandardCharsets.UTF_8));
        r.headers()
            .add(new RecordHeader(RecordHeaders.TABLE, "ns:t".getBytes(StandardCharsets.UTF_8)));
        r.headers()
            .add(
                new RecordHeader(
                    RecordHeaders.SCHEMA,
                    TestRecords.WAL_EDIT_SCHEMA.getBytes(StandardCharsets.UTF_8)));
        acks.add(producer.send(r));
      }
      for (int i = 0; i < n; i++) {
        RecordMetadata md = acks.get(i).get();
        sent.computeIfAbsent(md.partition(), p -> new TreeMap<>())
            .put(md.offset(), "secret-value-" + i);
      }
    }
    return sent;
  }

  private static Map<Integer, Long> endOffsets(RewindConfig config) {
    KafkaClients clients = new KafkaClients(config);
    try (KafkaConsumer<byte[], byte[]> c = clients.consumer("test-ends", null)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(clients.topics().edits(), p));
      }
      Map<Integer, Long> ends = new TreeMap<>();
      c.endOffsets(tps).forEach((tp, end) -> ends.put(tp.partition(), end));
      return ends;
    }
  }

  @Test
  void archivesEncryptedSegmentsWithNoRenameAndNoCopyAndReadsThemBackVerified() throws Exception {
    Path keyFile = tmp.resolve("segment.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]));
    RewindConfig config =
        config("enc")
            .with(SegmentKey.KEY_FILE, keyFile.toString())
            .with(SegmentKey.KEY_ID, "test-key-1")
            .with(ArchiverSettings.WORKER_THREADS, "2");
    Map<Integer, Map<Long, String>> sent = produce(config, 400);
    Map<Integer, Long> ends = endOffsets(config);

    Map<String, Long> counters;
    try (Archiver archiver = new Archiver(config, "s3-a1")) {
      archiver.start();
      assertThat(archiver.awaitCommitted(ends, WAIT)).as("%s", archiver.metrics()).isTrue();
      counters = ((IOStatisticsSource) archiver.store().fileSystem()).getIOStatistics().counters();
    }
    assertThat(counters.get("object_put_request"))
        .as("segments and manifests were PUT: %s", counters)
        .isPositive();
    assertThat(counters.get("op_rename")).as("no rename: %s", counters).isZero();
    assertThat(counters.get("object_copy_requests")).as("no copy: %s", counters).isZero();
    assertThat(counters.get("files_copied")).isZero();

    SegmentKey key = SegmentKey.fromConfig(config).orElseThrow();
    try (ObjectStore store = ObjectStore.open(config)) {
      for (int p = 0; p < PARTITIONS; p++) {
        List<Manifest> manifests = new ManifestStore(store).list(p);
        assertThat(ManifestStore.chain(manifests).end()).isEqualTo(ends.get(p));
        Map<Long, String> read = new TreeMap<>();
        for (Manifest m : manifests) {
          assertThat(m.keyId).isEqualTo("test-key-1");
          assertThat(m.codec).isEqualTo("zstd");
          try (SegmentReader reader = SegmentReader.open(store, m, key)) {
            while (reader.hasNext()) {
              ArchivedRecord r = reader.next();
              read.put(r.getOffset(), StandardCharsets.UTF_8.decode(r.getValue()).toString());
            }
          }
        }
        assertThat(read).isEqualTo(sent.get(p));
      }

      Manifest first = new ManifestStore(store).list(0).get(0);
      Path object =
          stack.s3().orElseThrow().bucketDir().resolve("store-enc").resolve(first.segmentPath);
      assertThat(new String(Files.readAllBytes(object), StandardCharsets.ISO_8859_1))
          .doesNotContain("secret-value");
      assertThatThrownBy(() -> SegmentReader.open(store, first))
          .isInstanceOf(SegmentKeyException.class)
          .hasMessageContaining("test-key-1");

      // One flipped byte in the stored object: the read fails, naming the segment.
      byte[] bytes = Files.readAllBytes(object);
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(object, bytes);
      assertThatThrownBy(() -> SegmentReader.open(store, first, key))
          .isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining(first.segmentPath);
    }
  }

  @Test
  void garbageCollectionRemovesOnlyOrphansBelowTheFrontierPastTheirGracePeriod() throws Exception {
    RewindConfig config = config("gc");
    try (ObjectStore store = ObjectStore.open(config)) {
      store.checkReachable();
      SegmentCommitter committer = new SegmentCommitter(store, "a1", System::currentTimeMillis);
      Manifest first = committer.commit(segment(0, 0, 10));
      Manifest second = committer.commit(segment(0, 10, 20));
      String orphanBelow =
          StoreLayout.segment(0, 10, 15); // a crash after the segment, before its manifest
      String orphanAbove = StoreLayout.segment(0, 20, 25); // may still get its manifest
      store.write(orphanBelow, segment(0, 10, 15).bytes());
      store.write(orphanAbove, segment(0, 20, 25).bytes());

      OrphanSegmentCollector.Report young =
          new OrphanSegmentCollector(store, 3_600_000, System::currentTimeMillis).collect(false);
      assertThat(young.removed).isEmpty();
      assertThat(young.keptTooYoung).containsExactly(orphanBelow);
      assertThat(young.keptAboveFrontier).containsExactly(orphanAbove);

      OrphanSegmentCollector.Report dry =
          new OrphanSegmentCollector(store, 0, System::currentTimeMillis).collect(true);
      assertThat(dry.removed).containsExactly(orphanBelow);
      assertThat(store.exists(orphanBelow)).isTrue();

      OrphanSegmentCollector.Report done =
          new OrphanSegmentCollector(store, 0, System::currentTimeMillis).collect(false);
      assertThat(done.removed).containsExactly(orphanBelow);
      assertThat(done.segmentsCommitted).isEqualTo(2);
      assertThat(store.exists(orphanBelow)).isFalse();
      assertThat(store.exists(orphanAbove)).isTrue();
      for (Manifest m : List.of(first, second)) {
        try (SegmentReader reader = SegmentReader.open(store, m)) {
          reader.forEachRemaining(r -> {});
        }
      }
    }
  }

  @Test
  void serverSideEncryptionSettingsPassThroughToS3a() throws Exception {
    RewindConfig sse = config("sse");
    // S3A validates the setting it was given: proof the fs.* key reached it.
    assertThatThrownBy(
            () -> ObjectStore.open(sse.with("fs.s3a.encryption.algorithm", "SSE-S4")).close())
        .hasMessageContaining("Unknown encryption algorithm SSE-S4");
    // SSE-S3 reaches the wire: S3Proxy does not implement it and says so, where AWS S3 or MinIO
    // would encrypt the object at rest.
    try (ObjectStore store = ObjectStore.open(sse.with("fs.s3a.encryption.algorithm", "AES256"))) {
      assertThatThrownBy(
              () -> store.write("manifests/p=0/probe.json", "{}".getBytes(StandardCharsets.UTF_8)))
          .hasMessageContaining("Server-side encryption is not supported");
    }
  }

  /**
   * What one roll costs in S3 requests (docs/archivers.md, "What rolls a segment, and what each
   * roll costs").
   */
  @Test
  void committingASegmentCostsTwoPutsAndTheLooksAroundThem() throws Exception {
    try (ObjectStore store = ObjectStore.open(config("cost"))) {
      StoreRequests before = store.requests();
      new SegmentCommitter(store, "s3-cost", System::currentTimeMillis).commit(segment(0, 0, 10));
      StoreRequests commit = store.requests().minus(before);

      // The manifest is looked for twice (a HEAD each: absent), then the segment and the manifest
      // are
      // PUT; with fs.s3a.create.performance (the store's default) S3A does not LIST before a PUT.
      assertThat(commit).isEqualTo(new StoreRequests(0, 2, 0, 2, 0, 0));

      StoreRequests beforeRead = store.requests();
      Manifest m = new ManifestStore(store).list(0).get(0);
      try (SegmentReader reader = SegmentReader.open(store, m)) {
        reader.forEachRemaining(r -> {});
      }
      // A restore's reads: the partition's listing, a HEAD and a GET of the manifest, one GET of
      // the
      // segment (opened by the length its manifest gives).
      assertThat(store.requests().minus(beforeRead)).isEqualTo(new StoreRequests(2, 0, 1, 1, 0, 0));
    }
  }

  private static SealedSegment segment(int partition, long start, long end) {
    SegmentWriter writer = new SegmentWriter(partition, start, 1 << 20, "zstd");
    for (long offset = start; offset < end; offset++) {
      writer.append(TestRecords.edit(partition, offset, 1_000 + offset, "ns:t", 40), null, 0);
    }
    return writer.seal();
  }
}
