package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.store.dump.CellDump;
import io.rewind.testkit.hbase.HBaseWorkload;
import io.rewind.testkit.hbase.SnapshotOracle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HBase as the oracle of what never passes through the WAL as edits. The seeded workload of {@link
 * HBaseOracleTest} runs on one region server, and between its snapshot pauses: a bulk load into
 * {@code orders} followed by puts and deletes of the same rows (pause 1); a truncate of {@code
 * events}, a family of {@code profiles} removed and one of {@code orders} added, written with puts
 * only (pause 2); {@code orders} split and its new family lowered to 2 versions, the removed family
 * added again (its old cells stay gone), {@code events} dropped (pause 3). Every pause is restored
 * into HBase and compared cell for cell with the snapshot taken at it, with the target split as the
 * source was; the cell dump of the same restore must equal the HBase target line for line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HBaseChangesOracleTest {

  private static final Logger LOG = LoggerFactory.getLogger(HBaseChangesOracleTest.class);
  private static final long SEED = 20261207L;

  private OraclePipeline pipeline;
  private HBaseMiniCluster hbase;
  private ObjectStore store;
  private HBaseWorkload workload;
  private final List<HBaseWorkload.Pause> pauses = new ArrayList<>();

  /** Per pause, each table's split keys in the source at that moment. */
  private final List<Map<String, List<byte[]>>> regions = new ArrayList<>();

  private String orders;
  private String events;
  private String profiles;
  private long bulkLoadedCells;

  @BeforeAll
  void backUpAWorkloadThatBulkLoadsTruncatesChangesFamiliesSplitsAndDrops() throws Exception {
    pipeline = OraclePipeline.start(4, 1, "changes-archiver");
    hbase = pipeline.hbase;
    store = pipeline.store;
    long started = System.currentTimeMillis();
    workload = new HBaseWorkload(hbase.connection(), "chg", SEED);
    workload.createTables();
    orders = workload.qualified(HBaseWorkload.EXPLICIT);
    events = workload.qualified(HBaseWorkload.IMPLICIT);
    profiles = workload.qualified(HBaseWorkload.MIXED);
    workload.steps(250);
    pause();

    bulkLoadedCells = workload.bulkLoad(HBaseWorkload.EXPLICIT);
    workload.steps(250);
    pause();

    workload.truncate(HBaseWorkload.IMPLICIT);
    workload.removeFamily(HBaseWorkload.MIXED, "y");
    workload.addFamily(HBaseWorkload.EXPLICIT, "n", true);
    workload.steps(250);
    pause();

    workload.split(HBaseWorkload.EXPLICIT, new byte[] {0x40});
    workload.lowerVersions(HBaseWorkload.EXPLICIT, "n", 2);
    workload.addFamily(HBaseWorkload.MIXED, "y", false);
    workload.steps(120);
    workload.drop(HBaseWorkload.IMPLICIT);
    workload.steps(120);
    pause();
    workload.steps(50);
    workload.close();
    pipeline.awaitCheckpointAtOrAfter(
        pauses.get(pauses.size() - 1).time(), Duration.ofSeconds(120));
    LOG.info(
        "{} writes, {} bulk-loaded cells, 4 pauses backed up in {} ms",
        workload.operations(),
        bulkLoadedCells,
        System.currentTimeMillis() - started);
  }

  private void pause() throws Exception {
    Map<String, List<byte[]>> keys = new LinkedHashMap<>();
    for (String table : workload.tableNames()) {
      try (Admin admin = hbase.connection().getAdmin()) {
        keys.put(table, HBaseWorkload.splitKeys(admin, TableName.valueOf(table)));
      }
    }
    HBaseWorkload.Pause p = workload.pause(pauses.size(), "changes");
    pauses.add(p);
    regions.add(keys);
    LOG.info(
        "pause {} at {}: tables {}",
        p.index(),
        TimeParser.format(p.time()),
        p.snapshots().keySet());
  }

  @AfterAll
  void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void theBulkLoadWasCapturedIntoTheStoreAndNothingWarned() throws Exception {
    assertThat(bulkLoadedCells).isPositive();
    // HBase's tool splits the files at the table's regions and loads each region's part on its own:
    // one load per region.
    List<BulkLoadManifest> loads = new BulkLoadStore(store).all(orders);
    assertThat(loads).hasSize(2);
    assertThat(loads)
        .allSatisfy(
            load -> {
              assertThat(load.files)
                  .isNotEmpty()
                  .allSatisfy(f -> assertThat(store.exists(f.key)).isTrue());
              assertThat(load.writeTime).isBetween(pauses.get(0).time(), pauses.get(1).time());
            });
    assertThat(progressMarkers())
        .as("captured bulk loads raise no bulk-load marker")
        .noneMatch(m -> m.getSource() == MarkerSource.BULK_LOAD);
  }

  @Test
  @Order(2)
  void everyPauseRestoresLikeItsSnapshotSplitAsTheSourceWasAndItsDumpReadsLikeTheTarget(
      @TempDir Path dumps) throws Exception {
    Connection conn = hbase.connection();
    List<String> mismatches = new ArrayList<>();
    long cells = 0;
    for (HBaseWorkload.Pause p : pauses) {
      List<String> tables = new ArrayList<>(p.snapshots().keySet());
      String ns = "c" + p.index();
      CliRun.Result r =
          OracleRestores.restore(
              pipeline.stack.storeUri(), hbase.zookeeperQuorum(), p.time(), tables, ns, "--json");
      assertThat(r.exit).as("restore to pause %d: %s", p.index(), r.err).isZero();
      JsonNode report = Json.MAPPER.readTree(r.out);
      assertThat(report.get("bulkLoadsReplayed").size())
          .as("bulk loads replayed at pause %d", p.index())
          .isEqualTo(p.index() == 0 ? 0 : 2);
      OracleRestores.Comparison c = OracleRestores.compare(conn, p, tables, ns);
      mismatches.addAll(c.mismatches());
      cells += c.cellsCompared();
      try (Admin admin = conn.getAdmin()) {
        for (String table : tables) {
          List<String> restored =
              keys(
                  HBaseWorkload.splitKeys(
                      admin, TableName.valueOf(ns, OracleRestores.qualifier(table))));
          assertThat(restored)
              .as("regions of %s at pause %d", table, p.index())
              .isEqualTo(keys(regions.get(p.index()).get(table)));
        }
      }

      Path out = dumps.resolve("p" + p.index());
      CliRun.Result dump =
          CliRun.run(
              "restore",
              "--store",
              pipeline.stack.storeUri(),
              "--to",
              String.valueOf(p.time()),
              "--out",
              out.toString(),
              "--parallelism",
              "2",
              "--set",
              "restore.sort.memory.bytes=1048576");
      assertThat(dump.exit).as("dump of pause %d: %s", p.index(), dump.err).isZero();
      for (String table : tables) {
        List<String> target =
            SnapshotOracle.cells(conn, TableName.valueOf(ns, OracleRestores.qualifier(table)))
                .stream()
                .map(CellDump::line)
                .collect(Collectors.toList());
        List<String> lines =
            Files.readAllLines(out.resolve(CellDump.fileName(table)), StandardCharsets.UTF_8);
        if (!lines.subList(1, lines.size()).equals(target)) {
          mismatches.add(
              "pause "
                  + p.index()
                  + " "
                  + table
                  + ": the dump's "
                  + (lines.size() - 1)
                  + " lines differ from the HBase target's "
                  + target.size()
                  + " cells");
        }
      }
      assertThat(out.resolve(CellDump.fileName(events)))
          .as("a dropped table has no dump")
          .matches(f -> p.index() < 3 || !Files.exists(f));
    }
    assertThat(mismatches).as("restores that differ from HBase's own state at T").isEmpty();
    LOG.info("{} cells compared", cells);
    assertThat(cells).isGreaterThan(1000);
  }

  @Test
  @Order(3)
  void aTableIsRefusedAtATimeAfterItsDropNamingTheDrop(@TempDir Path out) {
    CliRun.Result r =
        CliRun.run(
            "restore",
            "--store",
            pipeline.stack.storeUri(),
            "--to",
            String.valueOf(pauses.get(3).time()),
            "--tables",
            events,
            "--out",
            out.toString());

    assertThat(r.exit).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains(events, "dropped at", "--to");
  }

  @Test
  @Order(4)
  void aBulkLoadRestoreOfTheChangedTablesReadsLikeTheSnapshot() throws Exception {
    HBaseWorkload.Pause p = pauses.get(2);
    List<String> tables = new ArrayList<>(p.snapshots().keySet());
    CliRun.Result r =
        OracleRestores.restore(
            pipeline.stack.storeUri(),
            hbase.zookeeperQuorum(),
            p.time(),
            tables,
            "cb",
            "--mode",
            "bulkload",
            "--set",
            "restore.sort.memory.bytes=1048576");

    assertThat(r.exit).as(r.err).isZero();
    OracleRestores.Comparison c = OracleRestores.compare(hbase.connection(), p, tables, "cb");
    assertThat(c.mismatches()).isEmpty();
  }

  /** The markers every endpoint published on the progress topic. */
  private List<Marker> progressMarkers() {
    KafkaClients clients = new KafkaClients(pipeline.stack.config());
    var decoder = clients.serdes().deserializer(ProgressEvent.class);
    List<Marker> markers = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        clients.consumer("changes-progress-reader", null)) {
      TopicPartition tp = new TopicPartition(clients.topics().progress(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (decoder.deserialize(r.topic(), r.headers(), r.value()).getBody()
              instanceof Marker m) {
            markers.add(m);
          }
        }
      }
    }
    return markers;
  }

  private static List<String> keys(List<byte[]> keys) {
    return keys.stream().map(Bytes::toStringBinary).collect(Collectors.toList());
  }
}
