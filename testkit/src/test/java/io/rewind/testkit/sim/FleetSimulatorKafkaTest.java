package io.rewind.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.EditKey;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.kafka.Topics;
import io.rewind.producer.EditPublisher;
import io.rewind.producer.WalCell;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.Cell;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.EmbeddedStack;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The simulator through the real publishing path into a real KRaft broker, read back from the
 * topics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetSimulatorKafkaTest {

  private static final String BIG_TABLE = "sim:orders";
  private static final byte[] BIG_ROW = "big-row".getBytes();
  private static final int BIG_CELLS = 17;

  private EmbeddedStack stack;
  private FleetSimulator sim;
  private final List<ConsumerRecord<byte[], byte[]>> edits = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> progress = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> tables = new ArrayList<>();
  private final SerdeFactory serdes = new SerdeFactory(null);
  private Topics topics;
  private long publishedEdits;

  @BeforeAll
  void runSimulationThroughKafka() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(4).start();
    RewindConfig config = stack.config();
    topics = new KafkaClients(config).topics();
    try (EditPublisher publisher = new EditPublisher(config, "fleet-simulator-test")) {
      SimulatorSettings settings =
          SimulatorSettings.defaults()
              .servers(3)
              .editsPerSecond(500)
              .duration(Duration.ofSeconds(2))
              .deaths(1)
              .walRollInterval(Duration.ofMillis(500));
      sim = new FleetSimulator(settings, publisher, Clock.systemUTC());
      try {
        sim.start();
        assertThat(sim.awaitWorkloadDone(Duration.ofSeconds(60))).isTrue();
        Thread.sleep(800);
      } finally {
        sim.close();
      }
      publishedEdits = sim.editsPublished();
      publisher.publish(List.of(bigEntry()));
    }
    KafkaClients clients = new KafkaClients(config);
    try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("producers-test-reader", null)) {
      edits.addAll(readAll(consumer, topics.edits()));
      progress.addAll(readAll(consumer, topics.progress()));
      tables.addAll(readAll(consumer, topics.tables()));
    }
  }

  @AfterAll
  void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void editRecordsCarryKeyHeadersAndWriteTimeAndDecodeToTheWorkload() {
    Deserializer<WalEdit> decoder = serdes.deserializer(WalEdit.class);
    String schemaId = SchemaHistory.schemaId(WalEdit.getClassSchema());
    Map<String, WalEntry> distinct = new HashMap<>();
    int simRecords = 0;
    for (ConsumerRecord<byte[], byte[]> r : edits) {
      WalEdit e = decoder.deserialize(r.topic(), r.headers(), r.value());
      byte[] row = bytes(e.getRow());
      assertThat(r.key()).isEqualTo(EditKey.of(e.getTable(), row));
      assertThat(r.timestamp()).isEqualTo(e.getWriteTime());
      assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
      assertThat(RecordHeaders.lastString(r.headers(), RecordHeaders.TABLE))
          .isEqualTo(e.getTable());
      assertThat(RecordHeaders.lastString(r.headers(), RecordHeaders.SCHEMA)).isEqualTo(schemaId);
      if (Arrays.equals(row, BIG_ROW)) {
        continue;
      }
      simRecords++;
      assertThat(e.getParts()).isEqualTo(1);
      distinct.putIfAbsent(
          e.getRegion() + "#" + e.getSequenceId() + "#" + new String(row), toEntry(e));
    }
    assertThat((long) simRecords).isEqualTo(publishedEdits);

    ExpectedState fromKafka = new ExpectedState();
    distinct.values().forEach(fromKafka::record);
    ExpectedState expected = sim.expected();
    assertThat(fromKafka.editCount()).isEqualTo(expected.editCount());
    long mid = (expected.firstWriteTime() + expected.lastWriteTime()) / 2;
    for (String table : expected.tables()) {
      assertThat(fromKafka.cellsAt(table, mid)).isEqualTo(expected.cellsAt(table, mid));
      assertThat(fromKafka.cellsAt(table, expected.lastWriteTime()))
          .isEqualTo(expected.cellsAt(table, expected.lastWriteTime()));
    }
    assertThat(simRecords).as("a death re-ships entries").isGreaterThan(distinct.size());
  }

  @Test
  void aRowLargerThanOneRecordIsSplitIntoPartsWithOneKey() {
    Deserializer<WalEdit> decoder = serdes.deserializer(WalEdit.class);
    List<WalEdit> parts = new ArrayList<>();
    Set<Integer> partitions = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : edits) {
      if (Arrays.equals(r.key(), EditKey.of(BIG_TABLE, BIG_ROW))) {
        assertThat(r.serializedValueSize()).isLessThan(Topics.EDITS_MAX_MESSAGE_BYTES);
        parts.add(decoder.deserialize(r.topic(), r.headers(), r.value()));
        partitions.add(r.partition());
      }
    }
    assertThat(parts).hasSize(2);
    assertThat(partitions).hasSize(1);
    assertThat(parts).extracting(WalEdit::getPart).containsExactly(0, 1);
    assertThat(parts)
        .allSatisfy(
            p -> {
              assertThat(p.getParts()).isEqualTo(2);
              assertThat(p.getSequenceId()).isEqualTo(99);
            });
    List<String> qualifiers = new ArrayList<>();
    for (WalEdit p : parts) {
      for (Cell c : p.getCells()) {
        qualifiers.add(new String(bytes(c.getQualifier())));
        assertThat(c.getValue().remaining()).isEqualTo(1 << 20);
      }
    }
    assertThat(qualifiers).hasSize(BIG_CELLS).doesNotHaveDuplicates();
  }

  @Test
  void progressHasSnapshotsAndMarkersWithTheMarginSubtracted() {
    Deserializer<ProgressEvent> decoder = serdes.deserializer(ProgressEvent.class);
    int snapshots = 0;
    Set<MarkerSource> markerSources = new HashSet<>();
    Set<QueueId> markedQueues = new HashSet<>();
    long previousBrokerTime = Long.MIN_VALUE;
    for (ConsumerRecord<byte[], byte[]> r : progress) {
      assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
      assertThat(r.timestamp()).isGreaterThanOrEqualTo(previousBrokerTime);
      previousBrokerTime = r.timestamp();
      ProgressEvent event = decoder.deserialize(r.topic(), r.headers(), r.value());
      assertThat(event.getPublisher()).isEqualTo("fleet-simulator-test");
      assertThat(Math.abs(event.getSendTime() - r.timestamp())).isLessThan(5_000);
      if (event.getBody() instanceof ClusterSnapshot) {
        ClusterSnapshot s = (ClusterSnapshot) event.getBody();
        snapshots++;
        assertThat(s.getMarginMs()).isEqualTo(500);
        assertThat(s.getQueues()).isNotEmpty();
        for (QueueListing l : s.getQueues()) {
          assertThat(l.getBound()).isEqualTo(l.getOldestWalStart() - 500);
          assertThat(l.getOldestWalStart()).isLessThanOrEqualTo(s.getReadTime());
        }
      } else {
        Marker m = (Marker) event.getBody();
        assertThat(m.getBound()).isEqualTo(m.getNewestWriteTime() - 500);
        markerSources.add(m.getSource());
        markedQueues.add(m.getQueue());
      }
    }
    assertThat(snapshots).isGreaterThanOrEqualTo(5);
    assertThat(markerSources).containsExactlyInAnyOrder(MarkerSource.BATCH, MarkerSource.CHORE);
    assertThat(markedQueues).hasSize(3);
  }

  @Test
  void tablesTopicHoldsEveryDescriptorKeyedByName() {
    Deserializer<TableDescriptor> decoder = serdes.deserializer(TableDescriptor.class);
    Map<String, TableDescriptor> byKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : tables) {
      TableDescriptor d = decoder.deserialize(r.topic(), r.headers(), r.value());
      assertThat(new String(r.key())).isEqualTo(d.getTable());
      byKey.put(d.getTable(), d);
    }
    assertThat(byKey.keySet()).isEqualTo(sim.expected().tables());
    assertThat(byKey.values().stream().map(d -> d.getFamilies().size()).collect(Collectors.toSet()))
        .hasSizeGreaterThan(1);
    assertThat(byKey.values())
        .allSatisfy(
            d ->
                assertThat(d.getFamilies())
                    .allSatisfy(f -> assertThat(f.getMaxVersions()).isEqualTo(Integer.MAX_VALUE)));
  }

  private static WalEntry bigEntry() {
    Random random = new Random(1);
    List<WalCell> cells = new ArrayList<>();
    for (int i = 0; i < BIG_CELLS; i++) {
      byte[] value = new byte[1 << 20];
      random.nextBytes(value);
      cells.add(WalCell.put(BIG_ROW, "d".getBytes(), ("q" + i).getBytes(), 1000 + i, value));
    }
    QueueId queue =
        QueueId.newBuilder().setServer("big,16020,1").setWalGroup("big%2C16020%2C1").build();
    return new WalEntry(BIG_TABLE, "bigregion", System.currentTimeMillis(), 99, queue, cells);
  }

  private static WalEntry toEntry(WalEdit e) {
    byte[] row = bytes(e.getRow());
    List<WalCell> cells = new ArrayList<>();
    for (Cell c : e.getCells()) {
      cells.add(
          new WalCell(
              row,
              bytes(c.getFamily()),
              bytes(c.getQualifier()),
              c.getTimestamp(),
              c.getType(),
              bytes(c.getValue())));
    }
    return new WalEntry(
        e.getTable(), e.getRegion(), e.getWriteTime(), e.getSequenceId(), e.getQueue(), cells);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
      consumer.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
