package io.rewind.producer.hbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.client.hbase.TableDescriptors;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueListing;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The endpoint inside a real HBase mini cluster (two region servers, marker chore on), shipping
 * into a real KRaft broker: edits one record per row, chore entries as CHORE markers only, BATCH
 * markers, cluster snapshots of the queue storage, table descriptors, and a claimed queue after a
 * crash.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBackupEndpointIntegrationTest {

  private static final TableName TABLE = TableName.valueOf("endpoint", "orders");
  private static final byte[] F = Bytes.toBytes("f");

  private EmbeddedStack stack;
  private HBaseMiniCluster hbase;
  private Topics topics;
  private final SerdeFactory serdes = new SerdeFactory(null);
  private final List<WalEdit> edits = new CopyOnWriteArrayList<>();
  private final List<ProgressEvent> progress = new CopyOnWriteArrayList<>();
  private final List<TableDescriptor> tables = new CopyOnWriteArrayList<>();
  private Thread reader;
  private volatile boolean stopReading;

  @BeforeAll
  void start() throws Exception {
    // HBase's and Hadoop's own threads may die noisily during a kill; that is theirs to log, not a
    // test failure.
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    stack =
        EmbeddedStack.builder().editsPartitions(2).withHBase(true).hbaseRegionServers(2).start();
    hbase = stack.hbase().orElseThrow();
    topics = new KafkaClients(stack.config()).topics();
    try (Admin admin = hbase.connection().getAdmin()) {
      admin.createNamespace(NamespaceDescriptor.create(TABLE.getNamespaceAsString()).build());
      admin.createTable(
          TableDescriptorBuilder.newBuilder(TABLE)
              .setColumnFamily(
                  ColumnFamilyDescriptorBuilder.newBuilder(F)
                      .setScope(1)
                      .setMaxVersions(Integer.MAX_VALUE)
                      .build())
              .build(),
          new byte[][] {Bytes.toBytes("m")});
    }
    reader = new Thread(this::readTopics, "endpoint-it-reader");
    reader.start();
  }

  @AfterAll
  void stop() throws Exception {
    // The setting is global: later classes in this JVM must fail on background exceptions again.
    Awaitility.reset();
    stopReading = true;
    if (reader != null) {
      reader.join(10_000);
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void shipsOneRecordPerRowWithTypesTimestampsAndSequenceIds() throws Exception {
    try (Table t = hbase.connection().getTable(TABLE)) {
      // One batch of three rows of one region: one WAL entry, three records.
      t.put(
          List.of(put("a1", "q", 100, "v1"), put("a2", "q", 100, "v2"), put("a3", "q", 100, "v3")));
      t.put(put("a1", "q", 200, "v1b"));
      Delete d = new Delete(Bytes.toBytes("a1"));
      d.addColumn(F, Bytes.toBytes("q"), 100);
      d.addColumns(F, Bytes.toBytes("r"), 150);
      d.addFamilyVersion(F, 120);
      t.delete(d);
      Delete family = new Delete(Bytes.toBytes("a2"));
      family.addFamily(F, 300);
      t.delete(family);
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rowEdits("a1").size() >= 3 && rowEdits("a2").size() >= 2);

    List<WalEdit> a1 = rowEdits("a1");
    assertThat(a1).allSatisfy(e -> assertThat(e.getTable()).isEqualTo("endpoint:orders"));
    assertThat(a1.stream().map(WalEdit::getSequenceId).distinct().count()).isEqualTo(3);
    WalEdit first = a1.get(0);
    assertThat(first.getCells())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo(CellType.PUT);
              assertThat(c.getTimestamp()).isEqualTo(100);
              assertThat(bytes(c.getValue())).isEqualTo(Bytes.toBytes("v1"));
            });
    List<CellType> deleteTypes =
        a1.get(2).getCells().stream().map(Cell::getType).collect(Collectors.toList());
    assertThat(deleteTypes)
        .containsExactlyInAnyOrder(
            CellType.DELETE, CellType.DELETE_COLUMN, CellType.DELETE_FAMILY_VERSION);
    assertThat(rowEdits("a2").get(1).getCells())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo(CellType.DELETE_FAMILY);
              assertThat(c.getTimestamp()).isEqualTo(300);
            });
    // The multi-row batch was one WAL entry: same region and sequence id, three records.
    WalEdit a2 = rowEdits("a2").get(0);
    WalEdit a3 = rowEdits("a3").get(0);
    assertThat(a2.getSequenceId()).isEqualTo(first.getSequenceId());
    assertThat(a3.getRegion()).isEqualTo(first.getRegion());
    assertThat(first.getWriteTime()).isPositive();
    assertThat(QueueIdentity.originatingServer(first.getQueue().getWalGroup()))
        .isEqualTo(first.getQueue().getServer());
    // Nothing but user tables reaches the edits topic: marker chore entries never become edits.
    assertThat(edits).allSatisfy(e -> assertThat(e.getTable()).isEqualTo("endpoint:orders"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> tables.stream().anyMatch(d -> d.getChange().equals("SEEN")));
    List<TableDescriptor> seen =
        tables.stream().filter(d -> d.getChange().equals("SEEN")).collect(Collectors.toList());
    TableDescriptor descriptor = seen.get(0);
    assertThat(descriptor.getTable()).isEqualTo("endpoint:orders");
    assertThat(descriptor.getFamilies())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getName()).isEqualTo("f");
              assertThat(f.getReplicationScope()).isEqualTo(1);
              assertThat(f.getMaxVersions()).isEqualTo(Integer.MAX_VALUE);
            });
    // Each endpoint shipping the table publishes it once, unchanged.
    assertThat(seen)
        .allSatisfy(d -> assertThat(TableDescriptors.sameContent(d, descriptor)).isTrue());
    // The master observer recorded the creation, with the regions, before it took effect.
    assertThat(tables)
        .filteredOn(d -> d.getChange().equals("CREATE"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getRegionsKnown()).isTrue();
              assertThat(d.getSplitKeys())
                  .extracting(KafkaBackupEndpointIntegrationTest::bytes)
                  .containsExactly(Bytes.toBytes("m"));
              assertThat(d.getUpdatedAt()).isLessThanOrEqualTo(descriptor.getUpdatedAt());
            });
  }

  @Test
  @Order(2)
  void publishesChoreAndBatchMarkersAndSnapshotsOfEveryQueue() {
    List<String> servers =
        hbase.liveRegionServers().stream()
            .map(ServerName::getServerName)
            .collect(Collectors.toList());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Marker> chore = markers(MarkerSource.CHORE);
              assertThat(chore.stream().map(m -> m.getQueue().getServer()).distinct())
                  .containsAll(servers);
            });
    Marker latest = markers(MarkerSource.CHORE).get(markers(MarkerSource.CHORE).size() - 1);
    assertThat(latest.getBound()).isEqualTo(latest.getNewestWriteTime() - 500);
    assertThat(latest.getNewestWriteTime()).isGreaterThan(System.currentTimeMillis() - 60_000);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ClusterSnapshot s = snapshots().get(snapshots().size() - 1);
              assertThat(s.getQueues().stream().map(q -> q.getQueue().getServer()))
                  .containsExactlyInAnyOrderElementsOf(servers);
              for (QueueListing q : s.getQueues()) {
                assertThat(q.getHolder()).isEqualTo(q.getQueue().getServer());
                assertThat(q.getOldestWalStart()).isLessThanOrEqualTo(s.getReadTime());
                assertThat(q.getBound()).isEqualTo(q.getOldestWalStart() - 500);
              }
            });
  }

  @Test
  @Order(3)
  void aCrashedServersQueueIsClaimedByTheSurvivorAndRemovedOnceShipped() throws Exception {
    try (Table t = hbase.connection().getTable(TABLE)) {
      for (int i = 0; i < 20; i++) {
        t.put(put((i % 2 == 0 ? "b" : "x") + i, "q", 1000 + i, "crash-" + i));
      }
    }
    ServerName victim = hbase.liveRegionServers().get(0);
    String victimName = victim.getServerName();
    await().atMost(Duration.ofSeconds(30)).until(() -> lastSnapshotServers().contains(victimName));
    int before = snapshots().size();

    hbase.killRegionServer(victim);

    // The dead server's queue stays known until the survivor has shipped it; then the storage drops
    // it.
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> snapshots().size() > before && !lastSnapshotServers().contains(victimName));
    hbase.awaitNoRegionsInTransition(Duration.ofSeconds(60));
    try (Table t = hbase.connection().getTable(TABLE)) {
      t.put(put("after-crash", "q", 5000, "v"));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> !rowEdits("after-crash").isEmpty());
    for (int i = 0; i < 20; i++) {
      String row = (i % 2 == 0 ? "b" : "x") + i;
      assertThat(rowEdits(row)).as(row).isNotEmpty();
    }
  }

  private List<String> lastSnapshotServers() {
    List<ClusterSnapshot> s = snapshots();
    if (s.isEmpty()) {
      return List.of();
    }
    return s.get(s.size() - 1).getQueues().stream()
        .map(q -> q.getQueue().getServer())
        .collect(Collectors.toList());
  }

  /**
   * Two puts of one cell and timestamp in one mutation: one WAL entry, one sequence id. HBase keeps
   * the last (its memstore replaces an equal key), before and after a flush; the stream carries
   * both in their order; the restore's replay keeps the last (RowReplayTest), and so does the
   * simulator's expected-state model (testkit's ExpectedStateTest).
   */
  @Test
  @Order(4)
  void twoPutsOfOneCellInOneEntryEndWithTheLastInHBaseAndInOrderOnTheStream() throws Exception {
    byte[] q = Bytes.toBytes("twice");
    try (Table t = hbase.connection().getTable(TABLE)) {
      t.put(
          new Put(Bytes.toBytes("dup"))
              .addColumn(F, q, 500, Bytes.toBytes("first"))
              .addColumn(F, q, 500, Bytes.toBytes("second")));
      assertThat(t.get(new Get(Bytes.toBytes("dup")).readAllVersions()).getColumnCells(F, q))
          .singleElement()
          .satisfies(c -> assertThat(CellUtil.cloneValue(c)).isEqualTo(Bytes.toBytes("second")));
      try (Admin admin = hbase.connection().getAdmin()) {
        admin.flush(TABLE);
      }
      assertThat(t.get(new Get(Bytes.toBytes("dup")).readAllVersions()).getColumnCells(F, q))
          .as("after a flush")
          .singleElement()
          .satisfies(c -> assertThat(CellUtil.cloneValue(c)).isEqualTo(Bytes.toBytes("second")));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> !rowEdits("dup").isEmpty());
    WalEdit edit = rowEdits("dup").get(0);
    assertThat(edit.getCells())
        .extracting(c -> Bytes.toString(bytes(c.getValue())))
        .containsExactly("first", "second");
  }

  private List<WalEdit> rowEdits(String row) {
    byte[] r = Bytes.toBytes(row);
    return edits.stream()
        .filter(e -> Arrays.equals(bytes(e.getRow()), r))
        .collect(Collectors.toList());
  }

  private List<Marker> markers(MarkerSource source) {
    return progress.stream()
        .filter(p -> p.getBody() instanceof Marker && ((Marker) p.getBody()).getSource() == source)
        .map(p -> (Marker) p.getBody())
        .collect(Collectors.toList());
  }

  private List<ClusterSnapshot> snapshots() {
    return progress.stream()
        .filter(p -> p.getBody() instanceof ClusterSnapshot)
        .map(p -> (ClusterSnapshot) p.getBody())
        .collect(Collectors.toList());
  }

  private void readTopics() {
    var editDecoder = serdes.deserializer(WalEdit.class);
    var progressDecoder = serdes.deserializer(ProgressEvent.class);
    var tableDecoder = serdes.deserializer(TableDescriptor.class);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaClients(stack.config()).consumer("endpoint-it", null)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of(topics.edits(), topics.progress(), topics.tables())) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (!stopReading) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(topics.edits())) {
            edits.add(editDecoder.deserialize(r.topic(), r.headers(), r.value()));
          } else if (r.topic().equals(topics.progress())) {
            progress.add(progressDecoder.deserialize(r.topic(), r.headers(), r.value()));
          } else {
            tables.add(tableDecoder.deserialize(r.topic(), r.headers(), r.value()));
          }
        }
      }
    }
  }

  private static Put put(String row, String qualifier, long ts, String value) {
    return new Put(Bytes.toBytes(row))
        .addColumn(F, Bytes.toBytes(qualifier), ts, Bytes.toBytes(value));
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
