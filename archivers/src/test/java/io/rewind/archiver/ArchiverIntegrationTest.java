package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.kafka.Topics;
import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.ControlEvent;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.RollAck;
import io.rewind.schemas.RollRequest;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.kafka.TopicCreator;
import io.rewind.store.segment.SegmentReader;
import io.rewind.store.segment.SegmentWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Archivers against a real KRaft broker and a local-directory store. One broker for the class;
 * every test has its own topic prefix, consumer group and store, so tests do not see each other.
 */
class ArchiverIntegrationTest {

  private static final int PARTITIONS = 3;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger RUN = new AtomicInteger();
  private static EmbeddedStack stack;

  @TempDir Path storeDir;
  private RewindConfig config;
  private Topics topics;
  private KafkaClients clients;
  private KafkaProducer<byte[], byte[]> producer;
  private ObjectStore store;
  private final List<Archiver> archivers = new ArrayList<>();

  @BeforeAll
  static void startStack() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(PARTITIONS).start();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private void setUp(Map<String, String> overrides) throws Exception {
    int run = RUN.incrementAndGet();
    RewindConfig c =
        stack
            .config()
            .with(RewindConfig.TOPIC_PREFIX, "t" + run + ".")
            .with(RewindConfig.ARCHIVER_GROUP, "archivers-" + run)
            .with(RewindConfig.STORE_URI, storeDir.toUri().toString())
            .with(RewindConfig.EDITS_PARTITIONS, String.valueOf(PARTITIONS))
            .with(RewindConfig.SEGMENT_MAX_AGE_MS, "200");
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    config = c;
    clients = new KafkaClients(config);
    topics = clients.topics();
    try (Admin admin = clients.admin("test-admin")) {
      new TopicCreator(admin).createMissing(config);
    }
    producer = clients.producer("test-producer");
    store = ObjectStore.open(config.storeUri(), Map.of());
  }

  @AfterEach
  void tearDown() throws IOException {
    archivers.forEach(Archiver::close);
    if (producer != null) {
      producer.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private Archiver startArchiver(String id) throws IOException {
    return startArchiver(id, ProtocolHook.NONE);
  }

  private Archiver startArchiver(String id, ProtocolHook hook) throws IOException {
    Archiver a = new Archiver(config, id);
    a.protocolHook(hook);
    archivers.add(a);
    a.start();
    return a;
  }

  // ---- producing ----

  private static Headers editHeaders(String table) {
    Headers h = new org.apache.kafka.common.header.internals.RecordHeaders();
    h.add(new RecordHeader(RecordHeaders.TABLE, table.getBytes(StandardCharsets.UTF_8)));
    h.add(
        new RecordHeader(
            RecordHeaders.SCHEMA, TestRecords.WAL_EDIT_SCHEMA.getBytes(StandardCharsets.UTF_8)));
    return h;
  }

  /**
   * Sends n edits round-robin over the partitions; returns every value sent by partition and
   * offset.
   */
  private Map<Integer, Map<Long, String>> produce(int n, String tag) throws Exception {
    Map<Integer, Map<Long, String>> sent = new TreeMap<>();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    List<String> values = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      String value = tag + "-" + i;
      values.add(value);
      acks.add(
          producer.send(
              new ProducerRecord<>(
                  topics.edits(),
                  i % PARTITIONS,
                  now + i,
                  ("row-" + i).getBytes(StandardCharsets.UTF_8),
                  value.getBytes(StandardCharsets.UTF_8),
                  editHeaders(i % 2 == 0 ? "ns:even" : "ns:odd"))));
    }
    for (int i = 0; i < n; i++) {
      var md = acks.get(i).get();
      sent.computeIfAbsent(md.partition(), p -> new TreeMap<>()).put(md.offset(), values.get(i));
    }
    return sent;
  }

  /**
   * Sends n edits written at writeTime to one partition and flushes the producer; returns offset ->
   * value.
   */
  private Map<Long, String> produceTo(
      KafkaProducer<byte[], byte[]> p, int partition, int n, String tag, long writeTime)
      throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] value = (tag + "-" + i).getBytes(StandardCharsets.UTF_8);
      acks.add(
          p.send(
              new ProducerRecord<>(
                  topics.edits(), partition, writeTime, value, value, editHeaders("ns:t"))));
    }
    p.flush();
    Map<Long, String> sent = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      sent.put(acks.get(i).get().offset(), tag + "-" + i);
    }
    return sent;
  }

  private Map<Integer, Long> endOffsets() {
    try (KafkaConsumer<byte[], byte[]> c = clients.consumer("test-ends", null)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(topics.edits(), p));
      }
      Map<Integer, Long> ends = new TreeMap<>();
      c.endOffsets(tps).forEach((tp, end) -> ends.put(tp.partition(), end));
      return ends;
    }
  }

  /** Every record of a topic from its beginning, until at least `atLeast` arrived. */
  private List<ConsumerRecord<byte[], byte[]>> readTopic(String topic, int atLeast) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = clients.consumer("test-reader", null)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (all.size() < atLeast && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      // Drain what else is already there, so "exactly" assertions see everything.
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        c.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return all;
  }

  private List<ArchivedSegment> archivedRecords(int atLeast) {
    var reader = new SerdeFactory(config.registryUrl()).deserializer(ArchivedSegment.class);
    List<ArchivedSegment> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readTopic(topics.archived(), atLeast)) {
      out.add(reader.deserialize(r.topic(), r.headers(), r.value()));
    }
    return out;
  }

  // ---- checking the store ----

  /**
   * Reads every segment of the partition's chain back, checks contiguity, returns offset -> value.
   */
  private Map<Long, String> readChain(int partition, long expectedEnd) throws IOException {
    List<Manifest> manifests = new ManifestStore(store).list(partition);
    ManifestStore.Chain chain = ManifestStore.chain(manifests);
    assertThat(chain.manifests())
        .as("every manifest of p=%d is in the chain", partition)
        .hasSameSizeAs(manifests);
    assertThat(chain.start()).isZero();
    assertThat(chain.end()).isEqualTo(expectedEnd);
    long expectedStart = 0;
    Map<Long, String> values = new TreeMap<>();
    for (Manifest m : chain.manifests()) {
      assertThat(m.startOffset).as("no gap and no overlap before %s", m).isEqualTo(expectedStart);
      expectedStart = m.endOffset;
      try (SegmentReader reader = SegmentReader.open(store, m)) {
        while (reader.hasNext()) {
          ArchivedRecord r = reader.next();
          assertThat(values.put(r.getOffset(), utf8(r.getValue())))
              .as("offset %d read once", r.getOffset())
              .isNull();
        }
      }
    }
    return values;
  }

  private static String utf8(ByteBuffer b) {
    return b == null ? null : StandardCharsets.UTF_8.decode(b.duplicate()).toString();
  }

  private long committedOffset(int partition) throws Exception {
    try (Admin admin = clients.admin("test-admin")) {
      OffsetAndMetadata o =
          admin
              .listConsumerGroupOffsets(config.get(RewindConfig.ARCHIVER_GROUP))
              .partitionsToOffsetAndMetadata()
              .get()
              .get(new TopicPartition(topics.edits(), partition));
      return o == null ? -1 : o.offset();
    }
  }

  /**
   * Every segment file of the store with its size and modification time: a rewrite of the same key
   * shows too.
   */
  private Map<Path, String> segmentFiles() throws IOException {
    Map<Path, String> files = new TreeMap<>();
    try (var paths = Files.walk(storeDir.resolve(StoreLayout.SEGMENTS))) {
      for (Path f : paths.filter(Files::isRegularFile).toList()) {
        files.put(
            f, Files.size(f) + " bytes, modified " + Files.getLastModifiedTime(f).toInstant());
      }
    }
    return files;
  }

  // ---- tests ----

  @Test
  void archivesEveryOffsetThenANewArchiverResumesFromTheChain() throws Exception {
    setUp(Map.of());
    Map<Integer, Map<Long, String>> sent = produce(300, "first");
    Map<Integer, Long> ends = endOffsets();

    Archiver first = startArchiver("a1");
    assertThat(first.awaitCommitted(ends, WAIT))
        .as("archived up to %s: %s", ends, first.metrics())
        .isTrue();

    int segments = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(readChain(p, ends.get(p))).isEqualTo(sent.get(p));
      segments += new ManifestStore(store).list(p).size();
    }
    List<ArchivedSegment> published = archivedRecords(segments);
    assertThat(published).hasSize(segments);
    assertThat(published).allSatisfy(a -> assertThat(a.getArchiver()).isEqualTo("a1"));
    assertThat(published.stream().mapToLong(ArchivedSegment::getRecordCount).sum()).isEqualTo(300);
    assertThat(first.metrics().recordsArchived()).isEqualTo(300);
    assertThat(first.metrics().invalidRecords()).isZero();

    first.close();
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(committedOffset(p)).as("graceful close commits p=%d", p).isEqualTo(ends.get(p));
    }

    Map<Integer, Map<Long, String>> more = produce(90, "second");
    Map<Integer, Long> newEnds = endOffsets();
    Archiver second = startArchiver("a2");
    assertThat(second.awaitCommitted(newEnds, WAIT)).as("resumed: %s", second.metrics()).isTrue();

    assertThat(second.metrics().recordsArchived())
        .as("the second archiver re-archived nothing")
        .isEqualTo(90);
    for (int p = 0; p < PARTITIONS; p++) {
      Map<Long, String> expected = new TreeMap<>(sent.get(p));
      expected.putAll(more.get(p));
      assertThat(readChain(p, newEnds.get(p))).isEqualTo(expected);
    }
  }

  @Test
  void twoArchiversShareThePartitionsAndHandThemOverOnRebalance() throws Exception {
    setUp(Map.of());
    Map<Integer, Map<Long, String>> sent = produce(150, "before");
    startArchiver("a1");
    Map<Integer, Map<Long, String>> during = produce(150, "during");
    startArchiver("a2"); // the group rebalances: a1 rolls and commits what it revokes
    Map<Integer, Map<Long, String>> after = produce(150, "after");
    Map<Integer, Long> ends = endOffsets();

    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (int p = 0; p < PARTITIONS; p++) {
                if (ManifestStore.chain(new ManifestStore(store).list(p)).end() != ends.get(p)) {
                  return false;
                }
              }
              return true;
            });

    for (int p = 0; p < PARTITIONS; p++) {
      Map<Long, String> expected = new TreeMap<>(sent.get(p));
      expected.putAll(during.get(p));
      expected.putAll(after.get(p));
      // Overlapping manifests would be redundant copies; here every offset is read from the chain
      // once.
      Map<Long, String> archived = new TreeMap<>();
      for (Manifest m : ManifestStore.chain(new ManifestStore(store).list(p)).manifests()) {
        try (SegmentReader reader = SegmentReader.open(store, m)) {
          reader.forEachRemaining(r -> archived.put(r.getOffset(), utf8(r.getValue())));
        }
      }
      assertThat(archived).isEqualTo(expected);
    }
    assertThat(archivers).allSatisfy(a -> assertThat(a.metrics().commitFailures()).isZero());
  }

  @Test
  void resumesFromTheStoreRepublishesUnpublishedManifestsAndStopsOnDataLoss() throws Exception {
    setUp(Map.of());
    produce(30, "seed"); // 10 records per partition
    // A previous archiver committed segments to the store but crashed before publishing and
    // committing offsets: p0 holds [0, 4), p1 holds [0, 3).
    seedSegment(0, 4);
    seedSegment(1, 3);
    try (Admin admin = clients.admin("test-admin")) {
      admin
          .deleteRecords(
              Map.of(new TopicPartition(topics.edits(), 1), RecordsToDelete.beforeOffset(6)))
          .all()
          .get();
    }

    Archiver archiver = startArchiver("a1");
    assertThat(archiver.awaitCommitted(Map.of(0, 10L, 2, 10L), WAIT))
        .as("%s", archiver.metrics())
        .isTrue();

    List<Manifest> p0 = new ManifestStore(store).list(0);
    assertThat(p0.get(0).archiver).isEqualTo("crashed");
    assertThat(p0.get(1).startOffset)
        .as("resumed from the chain end, not the (absent) committed offset")
        .isEqualTo(4);
    assertThat(readChain(0, 10)).hasSize(10);
    List<ArchivedSegment> published = archivedRecords(1);
    assertThat(published)
        .filteredOn(a -> a.getArchiver().equals("crashed"))
        .extracting(ArchivedSegment::getPartition)
        .as("the unpublished seed manifest of p0 was published on resume")
        .contains(0);

    await().atMost(WAIT).until(() -> archiver.stoppedPartitions().containsKey(1));
    assertThat(archiver.stoppedPartitions().get(1))
        .isInstanceOf(DataLossException.class)
        .hasMessageContaining("[3, 6)");
    assertThat(new ManifestStore(store).list(1)).as("nothing archived past the gap").hasSize(1);
    assertThat(archiver.metrics().partitionsStopped()).isEqualTo(1);
  }

  /** Archives [0, end) of a partition as a crashed archiver would have, without publishing. */
  private void seedSegment(int partition, long end) throws Exception {
    ArchiverSettings settings = new ArchiverSettings(config);
    SegmentWriter writer =
        new SegmentWriter(
            partition,
            0,
            settings.segmentMaxBytes(),
            settings.format(),
            settings.codec(),
            settings.zstdLevel(),
            Runnable::run);
    try (KafkaConsumer<byte[], byte[]> c = clients.consumer("test-seed", null)) {
      TopicPartition tp = new TopicPartition(topics.edits(), partition);
      c.assign(List.of(tp));
      c.seek(tp, 0);
      while (writer.endOffset() < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200)).records(tp)) {
          if (r.offset() < end) {
            writer.append(r, null, 0);
          }
        }
      }
    }
    new SegmentCommitter(store, "crashed", System::currentTimeMillis).commit(writer.seal());
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterTopicAndIsStillArchived() throws Exception {
    setUp(Map.of(RewindConfig.SEGMENT_CODEC, "snappy"));
    String edits = topics.edits();
    producer
        .send(
            new ProducerRecord<>(
                edits,
                0,
                1L,
                "k0".getBytes(StandardCharsets.UTF_8),
                "good".getBytes(StandardCharsets.UTF_8),
                editHeaders("ns:t")))
        .get();
    producer
        .send(
            new ProducerRecord<>(
                edits,
                0,
                2L,
                "k1".getBytes(StandardCharsets.UTF_8),
                "poison".getBytes(StandardCharsets.UTF_8)))
        .get();
    Headers unknownSchema = new org.apache.kafka.common.header.internals.RecordHeaders();
    unknownSchema.add(RecordHeaders.TABLE, "ns:t".getBytes(StandardCharsets.UTF_8));
    unknownSchema.add(RecordHeaders.SCHEMA, "00000000deadbeef".getBytes(StandardCharsets.UTF_8));
    producer
        .send(
            new ProducerRecord<>(
                edits,
                0,
                3L,
                "k2".getBytes(StandardCharsets.UTF_8),
                "future".getBytes(StandardCharsets.UTF_8),
                unknownSchema))
        .get();

    Archiver archiver = startArchiver("a1");
    assertThat(archiver.awaitCommitted(Map.of(0, 3L), WAIT)).isTrue();

    List<ConsumerRecord<byte[], byte[]>> dead = readTopic(topics.dlq(), 2);
    assertThat(dead).hasSize(2);
    assertThat(utf8(ByteBuffer.wrap(dead.get(0).value()))).isEqualTo("poison");
    assertThat(RecordHeaders.lastString(dead.get(0).headers(), RecordHeaders.DLQ_REASON))
        .startsWith("missing header rewind.table");
    assertThat(RecordHeaders.lastString(dead.get(0).headers(), RecordHeaders.DLQ_SOURCE))
        .isEqualTo(edits + "-0@1");
    assertThat(RecordHeaders.lastString(dead.get(0).headers(), RecordHeaders.DLQ_TIMESTAMP))
        .isEqualTo("2");
    assertThat(dead.get(0).timestamp())
        .as("stamped when copied, so the dlq's retention keeps it")
        .isGreaterThan(2L);
    assertThat(RecordHeaders.lastString(dead.get(1).headers(), RecordHeaders.DLQ_REASON))
        .startsWith("unknown schema id 00000000deadbeef");
    assertThat(RecordHeaders.lastString(dead.get(1).headers(), RecordHeaders.DLQ_SOURCE))
        .isEqualTo(edits + "-0@2");

    assertThat(readChain(0, 3))
        .containsExactly(Map.entry(0L, "good"), Map.entry(1L, "poison"), Map.entry(2L, "future"));
    List<Manifest> manifests = new ManifestStore(store).list(0);
    assertThat(manifests.stream().mapToLong(m -> m.invalidRecords).sum()).isEqualTo(2);
    assertThat(manifests).allSatisfy(m -> assertThat(m.codec).isEqualTo("snappy"));

    // A flipped byte in a committed segment: reading it fails, naming the segment (by the time the
    // last record is read at the latest: the reader streams).
    Manifest m = manifests.get(0);
    Path file = storeDir.resolve(m.segmentPath);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 20] ^= 0x40;
    Files.write(file, bytes);
    assertThatThrownBy(
            () -> {
              try (SegmentReader reader = SegmentReader.open(store, m)) {
                reader.forEachRemaining(r -> {});
              }
            })
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(m.segmentPath);
  }

  @Test
  void aRollRequestClosesOpenSegmentsAndIsAnsweredAndTableDescriptorsAreArchived()
      throws Exception {
    // One tick from the epoch to the end of time: only the request can close the segments.
    setUp(Map.of(RewindConfig.SEGMENT_MAX_AGE_MS, String.valueOf(Long.MAX_VALUE)));
    SerdeFactory serdes = new SerdeFactory(config.registryUrl());
    Archiver archiver = startArchiver("a1");
    produce(12, "r");
    Map<Integer, Long> ends = endOffsets();
    TableDescriptor descriptor =
        TableDescriptor.newBuilder()
            .setTable("ns:orders")
            .setFamilies(
                List.of(FamilyDescriptor.newBuilder().setName("f").setMaxVersions(5).build()))
            .setUpdatedAt(123)
            .build();
    producer
        .send(
            new ProducerRecord<>(
                topics.tables(),
                "ns:orders".getBytes(StandardCharsets.UTF_8),
                serdes.serializer(TableDescriptor.class).serialize(topics.tables(), descriptor)))
        .get();

    await().atMost(WAIT).until(() -> archiver.metrics().tablesArchived() >= 1);
    assertThat(TableDescriptorFile.read(store, "ns:orders")).contains(descriptor);

    await().atMost(WAIT).until(() -> archiver.metrics().recordsConsumed() == 12);
    assertThat(archiver.metrics().segmentsCommitted()).isZero();
    RollRequest request =
        RollRequest.newBuilder()
            .setRequestId("req-1")
            .setRequestedAt(System.currentTimeMillis())
            .setRequester("test")
            .build();
    producer
        .send(
            new ProducerRecord<>(
                topics.control(),
                "req-1".getBytes(StandardCharsets.UTF_8),
                serdes
                    .serializer(ControlEvent.class)
                    .serialize(
                        topics.control(), ControlEvent.newBuilder().setBody(request).build())))
        .get();

    var reader = serdes.deserializer(ControlEvent.class);
    RollAck ack = null;
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (ack == null && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : readTopic(topics.control(), 2)) {
        ControlEvent e = reader.deserialize(r.topic(), r.headers(), r.value());
        if (e.getBody() instanceof RollAck) {
          ack = (RollAck) e.getBody();
        }
      }
    }
    assertThat(ack).isNotNull();
    assertThat(ack.getRequestId()).isEqualTo("req-1");
    assertThat(ack.getArchiver()).isEqualTo("a1");
    Map<String, Long> expected = new HashMap<>();
    ends.forEach((p, end) -> expected.put(String.valueOf(p), end));
    assertThat(ack.getPartitions()).isEqualTo(expected);
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(readChain(p, ends.get(p))).hasSize(4);
    }
  }

  @Test
  void rollsOnSizeAloneWhenTheAgeLimitIsFarAway() throws Exception {
    setUp(
        Map.of(
            RewindConfig.SEGMENT_MAX_BYTES,
            "2000",
            RewindConfig.SEGMENT_MAX_AGE_MS,
            String.valueOf(Long.MAX_VALUE)));
    Archiver archiver = startArchiver("a1");
    produce(
        150,
        "sized"); // ~50 records of ~70 bytes per partition: ~3.5 KB each, more than one segment

    await().atMost(WAIT).until(() -> archiver.metrics().segmentsCommitted() >= PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++) {
      List<Manifest> manifests = new ManifestStore(store).list(p);
      assertThat(manifests).as("p=%d rolled on size", p).isNotEmpty();
      for (Manifest m : manifests) {
        long bytes = 0;
        try (SegmentReader reader = SegmentReader.open(store, m)) {
          while (reader.hasNext()) {
            ArchivedRecord r = reader.next();
            bytes += 16 + r.getKey().remaining() + r.getValue().remaining();
            for (ArchivedHeader h : r.getHeaders()) {
              bytes += h.getKey().length() + h.getValue().remaining();
            }
          }
        }
        assertThat(bytes).as("%s stays under segment.max.bytes", m).isLessThanOrEqualTo(2000);
      }
      assertThat(ManifestStore.chain(manifests).end())
          .as("the open tail stays open: no age roll")
          .isLessThan(endOffsets().get(p));
    }
  }

  /**
   * The zombie wakes up before writing its segment (it finds the owner's manifest and stands down)
   * or after writing its manifest (its copy is redundant, its offset commit is rejected).
   */
  @ParameterizedTest
  @ValueSource(strings = {"SEGMENT_SEALED", "MANIFEST_WRITTEN"})
  void aZombieThatLostItsPartitionsNeverReplacesAManifestAndStandsDown(String pausedAt)
      throws Exception {
    ProtocolPoint pausePoint = ProtocolPoint.valueOf(pausedAt);
    // The poll loop of the zombie stops longer than max.poll.interval.ms: its consumer leaves the
    // group.
    setUp(Map.of("consumer.max.poll.interval.ms", "3000"));
    AtomicBoolean armed = new AtomicBoolean();
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Archiver zombie =
        startArchiver(
            "zombie",
            (point, partition) -> {
              if (point == pausePoint && armed.get()) {
                paused.countDown();
                release.await();
              }
            });
    Map<Integer, Map<Long, String>> before = produce(90, "before");
    assertThat(zombie.awaitCommitted(endOffsets(), WAIT)).isTrue();
    long committedBefore = zombie.metrics().segmentsCommitted();

    armed.set(true);
    Map<Integer, Map<Long, String>> during = produce(30, "during");
    assertThat(paused.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the zombie sealed a segment")
        .isTrue();

    Archiver owner = startArchiver("owner");
    Map<Integer, Long> ends = endOffsets();
    assertThat(owner.awaitCommitted(ends, WAIT))
        .as("the new owner archives what the zombie holds: %s", owner.metrics())
        .isTrue();

    Map<Path, String> segmentsBefore = segmentFiles();
    release.countDown(); // the zombie wakes up and goes on with its commit
    if (pausePoint == ProtocolPoint.SEGMENT_SEALED) {
      // Its segment starts where the owner resumed: the owner's manifest is there, so it stands
      // down before writing.
      await().atMost(WAIT).until(() -> zombie.metrics().segmentsSuperseded() > 0);
    } else {
      // Its manifest was in the store before the owner resumed (after it), so only its offset
      // commit remains: rejected.
      await().atMost(WAIT).until(() -> zombie.metrics().commitsFenced() > 0);
    }
    assertThat(zombie.metrics().segmentsCommitted())
        .as("the zombie committed nothing after losing its partitions")
        .isEqualTo(committedBefore);
    zombie.close(); // waits for every store write under way
    assertThat(segmentFiles())
        .as("the zombie wrote no segment after it stood down")
        .isEqualTo(segmentsBefore);

    for (int p = 0; p < PARTITIONS; p++) {
      Map<Long, String> expected = new TreeMap<>(before.get(p));
      expected.putAll(during.get(p));
      assertThat(readChain(p, ends.get(p)))
          .as("p=%d: each offset once, the owner's manifests intact", p)
          .isEqualTo(expected);
      if (pausePoint == ProtocolPoint.SEGMENT_SEALED) {
        long resumedAt = before.get(p).size();
        assertThat(new ManifestStore(store).list(p))
            .filteredOn(m -> m.startOffset >= resumedAt)
            .allSatisfy(m -> assertThat(m.archiver).isEqualTo("owner"));
      }
    }
  }

  @Test
  void retentionOvertakingARunningArchiverStopsThatPartitionOnDataLossWhileTheOthersArchiveOn()
      throws Exception {
    // Segments roll every 5 s; the held records are taken just after a roll, so only retention can
    // end their
    // segment. One record per poll: the consumer fetches p0 again only after taking its batch.
    long tick = 5_000;
    setUp(
        Map.of(
            RewindConfig.SEGMENT_MAX_AGE_MS,
            String.valueOf(tick),
            "consumer.max.poll.records",
            "1"));
    long earlier = System.currentTimeMillis() - 120_000;
    AtomicBoolean armed = new AtomicBoolean();
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Archiver archiver =
        startArchiver(
            "a1",
            (point, partition) -> {
              if (point == ProtocolPoint.MID_SEGMENT && partition == 0 && armed.getAndSet(false)) {
                paused.countDown();
                release.await();
              }
            });
    Map<Integer, Map<Long, String>> archived = new TreeMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      archived.put(p, produceTo(producer, p, 5, "before", earlier));
    }
    assertThat(archiver.awaitCommitted(endOffsets(), WAIT)).as("%s", archiver.metrics()).isTrue();

    Thread.sleep(new RollRule(tick).untilNextTick(System.currentTimeMillis()) + 50);
    armed.set(true);
    long held = endOffsets().get(0);
    Map<String, Object> lingering = clients.producerProps("test-batch");
    lingering.put(
        ProducerConfig.LINGER_MS_CONFIG,
        60_000); // nothing leaves before flush(): both records in one batch
    try (KafkaProducer<byte[], byte[]> batch = new KafkaProducer<>(lingering)) {
      archived.get(0).putAll(produceTo(batch, 0, 2, "held", System.currentTimeMillis()));
    }
    assertThat(paused.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the loop took the first held record")
        .isTrue();
    // The loop holds both records; retention deletes what it never fetched, and then some.
    produceTo(producer, 0, 10, "expired", earlier);
    TopicPartition p0 = new TopicPartition(topics.edits(), 0);
    try (Admin admin = clients.admin("test-admin")) {
      admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(held + 7))).all().get();
    }
    release.countDown();

    await().atMost(WAIT).until(() -> archiver.stoppedPartitions().containsKey(0));
    assertThat(archiver.stoppedPartitions().get(0))
        .isInstanceOf(DataLossException.class)
        .hasMessageContaining(
            "data loss on " + p0 + ": offsets [" + (held + 2) + ", " + (held + 7) + ")");
    DataLossException loss = (DataLossException) archiver.stoppedPartitions().get(0);
    assertThat(loss.partition()).isZero();
    assertThat(loss.archivedEnd())
        .as("the records read before retention struck are archived")
        .isEqualTo(held + 2);
    assertThat(loss.logStart()).isEqualTo(held + 7);
    assertThat(readChain(0, held + 2)).isEqualTo(archived.get(0));
    assertThat(archiver.metrics().rolls(RollReason.OUT_OF_RANGE))
        .as("the held records' segment was committed when retention struck")
        .isEqualTo(1);
    assertThat(archiver.metrics().partitionsStopped()).isEqualTo(1);

    Map<Integer, Long> ends = new TreeMap<>();
    for (int p = 1; p < PARTITIONS; p++) {
      archived.get(p).putAll(produceTo(producer, p, 5, "after", earlier));
      ends.put(p, endOffsets().get(p));
    }
    assertThat(archiver.awaitCommitted(ends, WAIT))
        .as("the other partitions archive on: %s", archiver.metrics())
        .isTrue();
    for (int p = 1; p < PARTITIONS; p++) {
      assertThat(readChain(p, ends.get(p))).isEqualTo(archived.get(p));
    }
    assertThat(archiver.stoppedPartitions()).containsOnlyKeys(0);
    assertThat(archiver.isRunning()).isTrue();
  }

  @Test
  void anUploadCapPacesTheSegmentWritesAndOneWorkerThreadIsAllItStarts() throws Exception {
    long cap = 100_000;
    long burst = 64 * 1024; // UploadThrottle: a quarter second of the cap, at least 64 KiB
    setUp(
        Map.of(
            ArchiverSettings.UPLOAD_MAX_BYTES_PER_SEC,
            String.valueOf(cap),
            ArchiverSettings.WORKER_THREADS,
            "1"));
    Archiver archiver = startArchiver("capped");
    produce(PARTITIONS, "warm-up"); // the archiver joins the group first: only uploads are timed
    Map<Integer, Long> warm = endOffsets();
    assertThat(archiver.awaitCommitted(warm, WAIT)).isTrue();

    long started = System.nanoTime();
    Random random = new Random(5);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] value = new byte[1000];
      random.nextBytes(value); // incompressible: segments as large as the records
      acks.add(
          producer.send(
              new ProducerRecord<>(
                  topics.edits(),
                  i % PARTITIONS,
                  System.currentTimeMillis(),
                  ("row-" + i).getBytes(StandardCharsets.UTF_8),
                  value,
                  editHeaders("ns:t"))));
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
    Map<Integer, Long> ends = endOffsets();
    assertThat(archiver.awaitCommitted(ends, WAIT)).isTrue();
    double seconds = (System.nanoTime() - started) / 1e9;

    long bytes = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      for (Manifest m : new ManifestStore(store).list(p)) {
        bytes += m.startOffset >= warm.get(p) ? m.sizeBytes : 0;
      }
    }
    assertThat(bytes).as("far more than the burst").isGreaterThan(4 * burst);
    // The bucket held at most a burst when the timing started; a lower bound: noise only adds time.
    assertThat(seconds)
        .as("%d bytes under a cap of %d bytes/s", bytes, cap)
        .isGreaterThanOrEqualTo((bytes - burst) / (double) cap);

    List<String> workers =
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith("rewind-archiver-capped-worker-"))
            .toList();
    assertThat(workers)
        .as("segments of three partitions were written; one worker thread wrote them")
        .hasSize(1);
  }

  @Test
  void rollsAtTheNextTickOfTheWallClockWhateverTheRecordsWriteTimesAndSizeIsFarAway()
      throws Exception {
    long age = 3000;
    setUp(
        Map.of(RewindConfig.SEGMENT_MAX_AGE_MS, String.valueOf(age))); // segment.max.bytes: 64 MiB
    Archiver archiver = startArchiver("a1");
    produceTo(
        producer,
        1,
        1,
        "warm-up",
        System.currentTimeMillis()); // the archiver owns its partitions before the timing
    assertThat(archiver.awaitCommitted(Map.of(1, 1L), WAIT)).isTrue();
    RollRule rule = new RollRule(age);
    long produced = System.currentTimeMillis();
    // Written an hour ago: the rule before rolled such a segment as soon as the partition was
    // caught up.
    Map<Long, String> sent = produceTo(producer, 0, 5, "late", produced - 3_600_000);
    long acknowledged = System.currentTimeMillis();

    assertThat(archiver.awaitCommitted(Map.of(0, 5L), WAIT)).as("%s", archiver.metrics()).isTrue();
    List<Manifest> manifests = new ManifestStore(store).list(0);
    assertThat(manifests).hasSize(1);
    assertThat(manifests.get(0).committedAt)
        .as("not before the tick after the records arrived")
        .isGreaterThanOrEqualTo(produced + rule.untilNextTick(produced));
    long secondTick = acknowledged + rule.untilNextTick(acknowledged) + age;
    assertThat(manifests.get(0).committedAt)
        .as("at the first tick after they arrived, not a tick later")
        .isLessThan(secondTick);
    assertThat(archiver.metrics().rolls(RollReason.AGE))
        .as("the warm-up's segment and this one")
        .isEqualTo(2);
    assertThat(readChain(0, 5)).isEqualTo(sent);
  }

  @Test
  void aRestartedArchiverLeavesUnchangedTableDescriptorsAsTheyAre() throws Exception {
    setUp(Map.of());
    Archiver first = startArchiver("a1");
    TableDescriptor kept = publishDescriptor("ns:kept");
    await().atMost(WAIT).until(() -> first.metrics().tablesArchived() == 1);
    first.close();
    Path keptFile = storeDir.resolve(StoreLayout.table("ns:kept"));
    FileTime written = Files.getLastModifiedTime(keptFile);

    Archiver second =
        startArchiver("a2"); // reads the tables topic from its start: ns:kept, then ns:added
    TableDescriptor added = publishDescriptor("ns:added");
    await().atMost(WAIT).until(() -> second.metrics().tablesArchived() >= 1);
    assertThat(TableDescriptorFile.read(store, "ns:added")).contains(added);
    assertThat(Files.getLastModifiedTime(keptFile))
        .as("an unchanged descriptor is not written again")
        .isEqualTo(written);
    assertThat(TableDescriptorFile.read(store, "ns:kept")).contains(kept);
  }

  private TableDescriptor publishDescriptor(String table) throws Exception {
    TableDescriptor descriptor =
        TableDescriptor.newBuilder()
            .setTable(table)
            .setFamilies(
                List.of(FamilyDescriptor.newBuilder().setName("f").setMaxVersions(1).build()))
            .setUpdatedAt(System.currentTimeMillis())
            .build();
    byte[] value =
        new SerdeFactory(config.registryUrl())
            .serializer(TableDescriptor.class)
            .serialize(topics.tables(), descriptor);
    producer
        .send(new ProducerRecord<>(topics.tables(), table.getBytes(StandardCharsets.UTF_8), value))
        .get();
    return descriptor;
  }
}
