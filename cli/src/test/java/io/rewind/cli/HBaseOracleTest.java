package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.TableDescriptor;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.stack.MapReduceMiniCluster;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.dump.DumpCell;
import io.rewind.testkit.hbase.HBaseWorkload;
import io.rewind.testkit.hbase.SnapshotOracle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HBase itself as the oracle. A seeded random workload ({@link HBaseWorkload}: every delete type,
 * explicit timestamps before and after the write time, many versions, binary keys, a 1 MiB value)
 * runs through the HBase client into a two-region-server mini cluster whose WAL edits the
 * KafkaBackupEndpoint ships to Kafka, with the archiver and checkpoint app running. One region
 * server is killed midway, so a survivor claims and ships its queue. At random pause moments T (no
 * write within a few ms either side) every table is snapshotted. Afterwards `rewind restore --to T`
 * writes each state into fresh HBase tables, which must read exactly like the snapshot cloned into
 * a scratch table, cell for cell, all versions; the implicit-timestamp table must also read like
 * the source scanned with time range [0, T+1).
 *
 * <p>The same restores through the MapReduce engine, on a MiniMRYarnCluster beside the mini cluster
 * (its HDFS): equal to the snapshots, to the local engine's restores, and exact when a map task and
 * a reduce task each fail once and are retried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HBaseOracleTest {

  private static final Logger LOG = LoggerFactory.getLogger(HBaseOracleTest.class);
  private static final long SEED = 20261121L;
  private static final int PAUSES = 10;
  private static final int KILL_AFTER_PAUSE = 4;

  /**
   * The least sort memory: partitions sort through files, and hand their rows over in batches of
   * 128 KiB.
   */
  private static final String[] SMALL_SORT = {"--set", "restore.sort.memory.bytes=1048576"};

  private OraclePipeline pipeline;
  private EmbeddedStack stack;
  private HBaseMiniCluster hbase;
  private ObjectStore store;
  private HBaseWorkload workload;
  private final List<HBaseWorkload.Pause> pauses = new ArrayList<>();
  private ServerName killed;
  private MapReduceMiniCluster yarn;

  /**
   * Restored through the MapReduce engine too: the last pause, after the kill (a job takes ~1 min
   * on two cores).
   */
  private static final int[] MAPREDUCE_PAUSES = {PAUSES - 1};

  @BeforeAll
  void backUpARandomWorkloadWithAServerKilledMidway() throws Exception {
    // HBase's and Hadoop's own threads may die noisily during the kill: theirs to log, not a test
    // failure.
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    pipeline = OraclePipeline.start(4, 2, "oracle-archiver");
    stack = pipeline.stack;
    hbase = pipeline.hbase;
    store = pipeline.store;
    long started = System.currentTimeMillis();

    workload = new HBaseWorkload(hbase.connection(), "src", SEED);
    workload.createTables();
    Random random = new Random(SEED);
    for (int i = 0; i < PAUSES; i++) {
      workload.run(200 + random.nextInt(600));
      if (i == KILL_AFTER_PAUSE) {
        ServerName meta = hbase.serverHoldingMeta();
        killed =
            hbase.liveRegionServers().stream()
                .filter(s -> !s.equals(meta))
                .findFirst()
                .orElseThrow();
        // Right after a burst: the dead server's queue still holds edits the survivor must ship.
        hbase.killRegionServer(killed);
        long killedAt = System.currentTimeMillis();
        workload.run(500);
        hbase.awaitNoRegionsInTransition(Duration.ofSeconds(120));
        LOG.info(
            "killed {}; its regions are back {} ms later",
            killed,
            System.currentTimeMillis() - killedAt);
      }
      long pauseStarted = System.currentTimeMillis();
      pauses.add(workload.pause(i, "oracle"));
      LOG.info(
          "pause {} at T={} ({} writes so far, snapshots took {} ms)",
          i,
          TimeParser.format(pauses.get(i).time()),
          workload.operations(),
          System.currentTimeMillis() - pauseStarted);
    }
    workload.run(300);
    workload.close();

    long lastT = pauses.get(pauses.size() - 1).time();
    pipeline.awaitCheckpointAtOrAfter(lastT, Duration.ofSeconds(180));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> TableDescriptorFile.readAll(store).size() >= workload.tableNames().size());
    LOG.info(
        "workload of {} writes backed up; checkpoint past the last pause {} ms after the workload began",
        workload.operations(),
        System.currentTimeMillis() - started);
  }

  @AfterAll
  void stop() throws Exception {
    // The setting is global: later classes in this JVM must fail on background exceptions again.
    Awaitility.reset();
    if (yarn != null) {
      yarn.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void theKilledServersQueueWasClaimedAndTheWorkloadCoversEverything() throws Exception {
    assertThat(killed).isNotNull();
    assertThat(hbase.liveRegionServers()).doesNotContain(killed).hasSize(1);
    assertThat(workload.operations()).isGreaterThan(300);
    assertThat(workload.bigValueWritten()).isTrue();
    // The dead server's queue was listed, then claimed by the survivor, shipped to its end and
    // removed.
    String dead = killed.getServerName();
    assertThat(snapshotServers()).anySatisfy(servers -> assertThat(servers).contains(dead));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<List<String>> all = snapshotServers();
              assertThat(all.get(all.size() - 1)).doesNotContain(dead).isNotEmpty();
            });
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      assertThat(d.getFamilies())
          .allSatisfy(f -> assertThat(f.getKeepDeletedCells()).isEqualTo("TRUE"));
    }
    long c = CheckpointFile.read(store).orElseThrow().time;
    assertThat(pauses).allSatisfy(p -> assertThat(p.time()).isLessThanOrEqualTo(c));
  }

  @Test
  @Order(2)
  void everyRestoreReadsExactlyLikeTheSnapshotAtItsTime() throws Exception {
    Connection conn = hbase.connection();
    List<String> mismatches = new ArrayList<>();
    long cellsCompared = 0;
    for (HBaseWorkload.Pause p : pauses) {
      String ns = "r" + p.index();
      long restoreStarted = System.currentTimeMillis();
      // Every other restore with the least sort memory: the same state through spilled runs and
      // small batches.
      CliRun.Result r =
          p.index() % 2 == 1 ? restore(p.time(), ns, SMALL_SORT) : restore(p.time(), ns);
      LOG.info(
          "restore to pause {} took {} ms", p.index(), System.currentTimeMillis() - restoreStarted);
      assertThat(r.exit).as("restore to %s: %s", TimeParser.format(p.time()), r.err).isZero();
      OracleRestores.Comparison c = OracleRestores.compare(conn, p, workload.tableNames(), ns);
      mismatches.addAll(c.mismatches());
      cellsCompared += c.cellsCompared();
      for (String source : workload.implicitTables()) {
        List<DumpCell> restored =
            SnapshotOracle.cells(conn, TableName.valueOf(ns, OracleRestores.qualifier(source)));
        String sourceDiff =
            SnapshotOracle.firstDifference(
                SnapshotOracle.cellsUpTo(conn, TableName.valueOf(source), p.time()), restored);
        if (sourceDiff != null) {
          mismatches.add(
              "T="
                  + TimeParser.format(p.time())
                  + " "
                  + source
                  + " vs source scan [0, T+1): "
                  + sourceDiff);
        }
      }
    }
    assertThat(mismatches).as("restores that differ from HBase's own state at T").isEmpty();
    assertThat(cellsCompared).isGreaterThan(1000);
  }

  @Test
  @Order(3)
  void aSecondRestoreToTheSameTimeWithForceLeavesTheTargetUnchanged() throws Exception {
    Connection conn = hbase.connection();
    HBaseWorkload.Pause last = pauses.get(pauses.size() - 1);
    String ns = "r" + last.index();
    List<List<DumpCell>> before = new ArrayList<>();
    for (String source : workload.tableNames()) {
      before.add(
          SnapshotOracle.cells(
              conn, TableName.valueOf(ns, source.substring(source.indexOf(':') + 1))));
    }

    CliRun.Result refused = restore(last.time(), ns);
    assertThat(refused.exit).isEqualTo(Errors.REFUSED);
    assertThat(refused.err).contains("already holds cells").contains("--force");

    CliRun.Result again = restore(last.time(), ns, "--force", "--json");
    assertThat(again.exit).as(again.err).isZero();
    assertThat(Json.MAPPER.readTree(again.out).get("editsApplied").asLong())
        .as("--force restored again into the tables that held cells")
        .isPositive();
    List<List<DumpCell>> after = new ArrayList<>();
    for (String source : workload.tableNames()) {
      after.add(
          SnapshotOracle.cells(
              conn, TableName.valueOf(ns, source.substring(source.indexOf(':') + 1))));
    }
    for (int i = 0; i < before.size(); i++) {
      assertThat(SnapshotOracle.firstDifference(before.get(i), after.get(i)))
          .as(workload.tableNames().get(i))
          .isNull();
    }
  }

  @Test
  @Order(4)
  void aBulkLoadWhoseSortsSpillReadsExactlyLikeTheSnapshot() throws Exception {
    HBaseWorkload.Pause last = pauses.get(pauses.size() - 1);
    String ns = "b" + last.index();

    CliRun.Result r =
        restore(last.time(), ns, "--mode", "bulkload", "--json", SMALL_SORT[0], SMALL_SORT[1]);

    assertThat(r.exit).as(r.err).isZero();
    assertThat(Json.MAPPER.readTree(r.out).get("sortRunsSpilled").asLong())
        .as("the partitions sorted through files")
        .isPositive();
    OracleRestores.Comparison c =
        OracleRestores.compare(hbase.connection(), last, workload.tableNames(), ns);
    assertThat(c.mismatches()).isEmpty();
    assertThat(c.cellsCompared()).isGreaterThan(100);
  }

  @Test
  @Order(5)
  void restoresThroughMapReduceReadLikeTheSnapshotsAndLikeTheLocalEngine() throws Exception {
    yarn = MapReduceMiniCluster.start(hbase, 1, 3072, hbase.dataDir().resolve("yarn-conf"));
    Connection conn = hbase.connection();
    List<String> mismatches = new ArrayList<>();
    long cellsCompared = 0;
    for (int i : MAPREDUCE_PAUSES) {
      HBaseWorkload.Pause p = pauses.get(i);
      String ns = "m" + p.index();
      long started = System.currentTimeMillis();
      CliRun.Result r =
          restore(
              p.time(),
              ns,
              "--engine",
              "mapreduce",
              "--hadoop-conf",
              yarn.confDir().toString(),
              "--verify",
              "--json");
      LOG.info(
          "MapReduce restore to pause {} took {} ms",
          p.index(),
          System.currentTimeMillis() - started);
      assertThat(r.exit).as("restore to %s: %s", TimeParser.format(p.time()), r.err).isZero();
      var json = Json.MAPPER.readTree(r.out);
      assertThat(json.get("restoreEngine").asText()).isEqualTo("mapreduce");
      assertThat(json.get("verification").get("ok").asBoolean()).as(r.out).isTrue();
      assertThat(json.get("editsApplied").asLong()).isPositive();
      OracleRestores.Comparison c = OracleRestores.compare(conn, p, workload.tableNames(), ns);
      mismatches.addAll(c.mismatches());
      cellsCompared += c.cellsCompared();
      // The differential: the local engine's restore of the same store and T (test 2), cell for
      // cell.
      for (String source : workload.tableNames()) {
        String q = OracleRestores.qualifier(source);
        String diff =
            SnapshotOracle.firstDifference(
                SnapshotOracle.cells(conn, TableName.valueOf("r" + p.index(), q)),
                SnapshotOracle.cells(conn, TableName.valueOf(ns, q)));
        if (diff != null) {
          mismatches.add(
              "T="
                  + TimeParser.format(p.time())
                  + " "
                  + source
                  + ": mapreduce vs local engine: "
                  + diff);
        }
      }
    }
    assertThat(mismatches)
        .as("MapReduce restores that differ from HBase's state at T or from the local engine")
        .isEmpty();
    assertThat(cellsCompared).isGreaterThan(100);
  }

  @Test
  @Order(6)
  void aMapTaskAndAReduceTaskThatFailOnceLeaveTheRestoreExact() throws Exception {
    HBaseWorkload.Pause p = pauses.get(PAUSES - 1);
    String ns = "f" + p.index();
    MapReduceFaults.Run run =
        MapReduceFaults.restore(stack.config(), hbase, yarn, p.time(), workload.tableNames(), ns);
    assertThat(run.stats().failedMapAttempts()).as("map attempts failed and retried").isEqualTo(1);
    assertThat(run.stats().failedReduceAttempts())
        .as("reduce attempts failed and retried")
        .isEqualTo(1);
    assertThat(run.report().restoreEngine).isEqualTo("mapreduce");
    OracleRestores.Comparison c =
        OracleRestores.compare(hbase.connection(), p, workload.tableNames(), ns);
    assertThat(c.mismatches()).isEmpty();
    assertThat(c.cellsCompared()).isGreaterThan(100);
  }

  /**
   * The originating servers of the queues each cluster snapshot on the progress topic lists, in
   * order.
   */
  private List<List<String>> snapshotServers() {
    KafkaClients clients = new KafkaClients(stack.config());
    var decoder = clients.serdes().deserializer(ProgressEvent.class);
    List<List<String>> snapshots = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        clients.consumer("oracle-progress-reader", null)) {
      TopicPartition tp = new TopicPartition(clients.topics().progress(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          ProgressEvent e = decoder.deserialize(r.topic(), r.headers(), r.value());
          if (e.getBody() instanceof ClusterSnapshot cs) {
            snapshots.add(
                cs.getQueues().stream()
                    .map(q -> q.getQueue().getServer())
                    .collect(Collectors.toList()));
          }
        }
      }
    }
    return snapshots;
  }

  private CliRun.Result restore(long t, String targetNamespace, String... extra) {
    return OracleRestores.restore(
        stack.storeUri(),
        hbase.zookeeperQuorum(),
        t,
        workload.tableNames(),
        targetNamespace,
        extra);
  }
}
