package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.TableBases;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoredObject;
import io.rewind.client.time.TimeParser;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.stack.MapReduceMiniCluster;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.testkit.hbase.HBaseWorkload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.client.Admin;
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
 * Tables that held data before they joined the backup, restored from bases plus the stream, with
 * HBase as the oracle. The seeded workload (every delete type, explicit timestamps, many versions)
 * first writes with replication scope 0, so the stream never sees that data; then the tables join
 * the backup, `rewind base` copies them, the workload goes on with snapshots at pause moments T, a
 * second base is taken midway. Every restore to a T after the first base equals the snapshot at T.
 * Then retention with a window starting after the second base deletes the first base and the
 * segments no restore needs, and restores inside the window are still exact while a time before it
 * is refused with both bounds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BaseImageOracleTest {

  private static final Logger LOG = LoggerFactory.getLogger(BaseImageOracleTest.class);
  private static final long SEED = 20261122L;

  private OraclePipeline pipeline;
  private EmbeddedStack stack;
  private HBaseMiniCluster hbase;
  private ObjectStore store;
  private HBaseWorkload workload;
  private long joinedAt;
  private final List<HBaseWorkload.Pause> pauses = new ArrayList<>();
  private final List<Long> baseCompletions = new ArrayList<>();
  private volatile int followerExit = -1;
  private MapReduceMiniCluster yarn;

  @BeforeAll
  void backUpTablesThatHeldDataBeforeJoining() throws Exception {
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    pipeline = OraclePipeline.start(2, 1, "base-oracle-archiver");
    stack = pipeline.stack;
    hbase = pipeline.hbase;
    store = pipeline.store;

    // No compaction, so the second base finds the first's HFiles unchanged (dedup is asserted
    // below).
    try (Admin admin = hbase.connection().getAdmin()) {
      admin.compactionSwitch(false, List.of());
    }
    workload = new HBaseWorkload(hbase.connection(), "pre", SEED);
    workload.createTables(0);
    // Outside the backup: two flushed HFiles per store and some data still in the memstores.
    workload.run(400);
    workload.flush();
    workload.run(400);
    workload.flush();
    workload.run(300);
    // `rewind base follow` takes the first bases by itself, as each table's descriptor reaches the
    // tables topic.
    Thread follower =
        new Thread(
            () ->
                followerExit =
                    CliRun.run(baseArgs("base", "follow", "-b", stack.bootstrapServers())).exit,
            "base-follow");
    follower.start();
    workload.joinBackup();
    joinedAt = System.currentTimeMillis();
    workload.run(300);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              Map<String, TableBases> bases = new BaseImageStore(store).all();
              return bases.keySet().containsAll(workload.tableNames())
                  && bases.values().stream().noneMatch(TableBases::isEmpty);
            });
    follower.interrupt();
    follower.join(30_000);
    assertThat(follower.isAlive()).isFalse();
    assertThat(followerExit).isZero();
    baseCompletions.add(latestBaseCompletion());
    for (int i = 0; i < 3; i++) {
      workload.run(300);
      pauses.add(workload.pause(i, "base_oracle"));
    }
    workload.flush();
    baseCompletions.add(takeBases());
    for (int i = 3; i < 6; i++) {
      workload.run(300);
      pauses.add(workload.pause(i, "base_oracle"));
    }
    workload.run(200);
    long lastT = pauses.get(pauses.size() - 1).time();
    pipeline.awaitCheckpointAtOrAfter(lastT, Duration.ofSeconds(120));
  }

  @AfterAll
  void stop() throws Exception {
    // The setting is global: later classes in this JVM must fail on background exceptions again.
    Awaitility.reset();
    if (yarn != null) {
      yarn.close();
    }
    if (workload != null) {
      workload.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void theBasesHoldEveryTableAndTheSecondReusesTheFirstsHFiles() throws Exception {
    Map<String, TableBases> bases = new BaseImageStore(store).all();
    assertThat(bases.keySet()).containsExactlyInAnyOrderElementsOf(workload.tableNames());
    for (TableBases tb : bases.values()) {
      assertThat(tb.all()).hasSize(2);
      BaseImageManifest first = tb.all().get(0);
      BaseImageManifest second = tb.all().get(1);
      assertThat(first.files).isNotEmpty();
      assertThat(first.replayAfter).isEqualTo(first.startedAt - stack.config().marginMs());
      assertThat(first.completedAt).isGreaterThanOrEqualTo(first.startedAt);
      Set<String> firstKeys = first.files.stream().map(f -> f.key).collect(Collectors.toSet());
      // Nothing compacts between the bases: every HFile of the first is in the second, stored once.
      assertThat(second.files.stream().map(f -> f.key).collect(Collectors.toSet()))
          .containsAll(firstKeys);
    }
  }

  @Test
  @Order(1)
  void statusReportsEachTablesEarliestRestorablePointFromItsOldestBase() throws Exception {
    CliRun.Result r =
        CliRun.run("status", "--json", "-b", stack.bootstrapServers(), "--store", stack.storeUri());
    assertThat(r.exit).as(r.err).isZero();
    JsonNode tables = new ObjectMapper().readTree(r.out).get("tables");
    Map<String, TableBases> bases = new BaseImageStore(store).all();
    assertThat(tables).hasSize(workload.tableNames().size());
    for (JsonNode t : tables) {
      TableBases tb = bases.get(t.get("table").asText());
      assertThat(t.get("earliestRestorable").asLong()).isEqualTo(tb.earliest().getAsLong());
      assertThat(t.get("basis").asText()).contains("oldest base " + tb.all().get(0).id);
      assertThat(t.get("bases").asInt()).isEqualTo(2);
    }
  }

  @Test
  @Order(2)
  void everyRestoreAfterTheFirstBaseReadsExactlyLikeTheSnapshotAtItsTime() throws Exception {
    List<String> mismatches = new ArrayList<>();
    for (HBaseWorkload.Pause p : pauses) {
      mismatches.addAll(restoreAndCompare(p, "r" + p.index()));
    }
    assertThat(mismatches)
        .as("restores from base + stream that differ from HBase's own state at T")
        .isEmpty();
  }

  @Test
  @Order(5)
  void aRestoreFromABasePlusTheStreamThroughMapReduceReadsLikeTheSnapshot() throws Exception {
    HBaseWorkload.Pause p = pauses.get(pauses.size() - 1);
    String ns = "m" + p.index();
    CliRun.Result r =
        OracleRestores.restore(
            stack.storeUri(),
            hbase.zookeeperQuorum(),
            p.time(),
            workload.tableNames(),
            ns,
            "--engine",
            "mapreduce",
            "--hadoop-conf",
            yarn().confDir().toString(),
            "--json");
    assertThat(r.exit).as("restore to %s: %s", TimeParser.format(p.time()), r.err).isZero();
    var json = Json.MAPPER.readTree(r.out);
    assertThat(json.get("restoreEngine").asText()).isEqualTo("mapreduce");
    assertThat(json.get("bases")).as("restored from bases").isNotEmpty();
    assertThat(json.get("editsApplied").asLong()).as("and the stream on top").isPositive();
    OracleRestores.Comparison c =
        OracleRestores.compare(hbase.connection(), p, workload.tableNames(), ns);
    assertThat(c.mismatches()).isEmpty();
    assertThat(c.cellsCompared()).isPositive();
  }

  @Test
  @Order(3)
  void aTimeBeforeTheFirstBaseIsRefusedWithBothBounds() {
    CliRun.Result r = restore(joinedAt, "refused");
    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err)
        .contains("outside the restorable range " + TimeParser.format(baseCompletions.get(0)))
        .contains("oldest base of pre:");
  }

  @Test
  @Order(4)
  void retentionKeepsEveryRestoreInsideTheWindowExact() throws Exception {
    long windowStart = baseCompletions.get(1) + 1;
    int segmentsBefore = committedSegments();
    Set<String> filesBefore = storedBaseFiles();

    CliRun.Result r =
        CliRun.run(
            "retention",
            "--store",
            stack.storeUri(),
            "--window-start",
            String.valueOf(windowStart),
            "--json");
    assertThat(r.exit).as(r.err).isZero();
    LOG.info("retention: {}", r.out);

    Map<String, TableBases> bases = new BaseImageStore(store).all();
    // Each table keeps only its second base: the newest completed at or before the window's start.
    assertThat(bases.values())
        .allSatisfy(
            tb ->
                assertThat(tb.all())
                    .singleElement()
                    .satisfies(
                        b ->
                            assertThat(b.completedAt)
                                .isGreaterThan(baseCompletions.get(0))
                                .isLessThan(windowStart)));
    assertThat(committedSegments())
        .as("segments before the kept bases' replay start are deleted; retention: %s", r.out)
        .isLessThan(segmentsBefore);
    // No dangling reference: every HFile a remaining base names is stored, and nothing else is.
    Set<String> named = new HashSet<>();
    bases.values().forEach(tb -> tb.all().forEach(b -> b.files.forEach(f -> named.add(f.key))));
    assertThat(storedBaseFiles()).isEqualTo(named);
    assertThat(filesBefore).containsAll(named);

    List<String> mismatches = new ArrayList<>();
    for (HBaseWorkload.Pause p : pauses.subList(3, pauses.size())) {
      mismatches.addAll(restoreAndCompare(p, "k" + p.index()));
    }
    assertThat(mismatches).as("restores inside the window after retention").isEmpty();

    CliRun.Result tooOld = restore(pauses.get(1).time(), "old");
    assertThat(tooOld.exit).as(tooOld.err).isEqualTo(Errors.REFUSED);
    assertThat(tooOld.err)
        .contains(TimeParser.format(pauses.get(1).time()))
        .contains("outside the restorable range ");
    // The range now starts at the kept base's completion, or later where the first edit retention
    // kept is later still.
    Matcher start = Pattern.compile("outside the restorable range (\\S+) ").matcher(tooOld.err);
    assertThat(start.find()).as(tooOld.err).isTrue();
    assertThat(Instant.parse(start.group(1)).toEpochMilli())
        .as(tooOld.err)
        .isGreaterThanOrEqualTo(baseCompletions.get(1));
  }

  @Test
  @Order(6)
  void aBaseCopiedByAMapOnlyJobReusesStoredFilesAndRestoresLikeTheSnapshot() throws Exception {
    workload.run(300);
    workload.flush();
    // One table through the job (a job per table takes a minute here); the others restore from
    // their kept base.
    String table = workload.tableNames().get(0);
    CliRun.Result r =
        CliRun.run(
            baseArgs(
                "base",
                "--tables",
                table,
                "--engine",
                "mapreduce",
                "--hadoop-conf",
                yarn().confDir().toString(),
                "--tasks",
                "2",
                "--max-bytes-per-sec",
                "100000000",
                "--json"));
    assertThat(r.exit).as(r.err).isZero();
    var report = Json.MAPPER.readTree(r.out);
    assertThat(report.get("copyEngine").asText()).isEqualTo("mapreduce");
    assertThat(report.get("filesCopied").asLong())
        .as("the new HFiles, copied by the job's tasks")
        .isPositive();
    assertThat(report.get("filesReused").asLong())
        .as("the HFiles the kept base holds already")
        .isPositive();
    workload.run(200);
    HBaseWorkload.Pause p = workload.pause(pauses.size(), "base_oracle");
    pipeline.awaitCheckpointAtOrAfter(p.time(), Duration.ofSeconds(120));
    assertThat(restoreAndCompare(p, "mb"))
        .as("a restore from the job's base plus the stream")
        .isEmpty();
  }

  @Test
  @Order(7)
  void aCorruptBaseFileFailsTheRestoreNamingIt() throws Exception {
    BaseImageManifest base =
        new BaseImageStore(store).bases(workload.tableNames().get(0)).all().get(0);
    String key = base.files.get(0).key;
    Path file = Paths.get(store.path(key).toUri());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);

    CliRun.Result r = restore(pauses.get(pauses.size() - 1).time(), "corrupt");
    assertThat(r.exit).isEqualTo(Errors.FAILED);
    assertThat(r.err).contains(key.substring(key.lastIndexOf('/') + 1));
  }

  /** Takes a base of every table with `rewind base`; returns the latest completion time. */
  private long takeBases() throws Exception {
    CliRun.Result r =
        CliRun.run(baseArgs("base", "--tables", String.join(",", workload.tableNames())));
    assertThat(r.exit).as(r.err).isZero();
    LOG.info("bases taken:\n{}", r.out);
    return latestBaseCompletion();
  }

  /** The MapReduce mini cluster beside HBase, started on first use. */
  private MapReduceMiniCluster yarn() throws IOException {
    if (yarn == null) {
      yarn = MapReduceMiniCluster.start(hbase, 1, 3072, hbase.dataDir().resolve("yarn-conf"));
    }
    return yarn;
  }

  /**
   * The command line of a `rewind base` command against the mini cluster, reading HFiles from its
   * HDFS.
   */
  private String[] baseArgs(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(
        List.of(
            "--store",
            stack.storeUri(),
            "--hbase-zk",
            hbase.zookeeperQuorum(),
            "--hbase-conf",
            "hbase.client.pause=20",
            "--threads",
            "2"));
    hbase.rootDirSettings().forEach((k, v) -> args.addAll(List.of("--hbase-conf", k + "=" + v)));
    return args.toArray(new String[0]);
  }

  private long latestBaseCompletion() throws IOException {
    long latest = 0;
    for (TableBases tb : new BaseImageStore(store).all().values()) {
      latest = Math.max(latest, tb.all().get(tb.all().size() - 1).completedAt);
    }
    return latest;
  }

  private List<String> restoreAndCompare(HBaseWorkload.Pause p, String ns) throws IOException {
    CliRun.Result r = restore(p.time(), ns);
    assertThat(r.exit).as("restore to %s: %s", TimeParser.format(p.time()), r.err).isZero();
    OracleRestores.Comparison c =
        OracleRestores.compare(hbase.connection(), p, workload.tableNames(), ns);
    assertThat(c.cellsCompared()).isPositive();
    return c.mismatches();
  }

  private CliRun.Result restore(long t, String targetNamespace) {
    return OracleRestores.restore(
        stack.storeUri(), hbase.zookeeperQuorum(), t, workload.tableNames(), targetNamespace);
  }

  private int committedSegments() throws IOException {
    ManifestStore manifests = new ManifestStore(store);
    int n = 0;
    for (int p : manifests.partitions()) {
      List<Manifest> list = manifests.list(p);
      n += list.size();
      for (Manifest m : list) {
        assertThat(store.exists(m.segmentPath)).as(m.segmentPath).isTrue();
      }
    }
    return n;
  }

  private Set<String> storedBaseFiles() throws IOException {
    return store.listFiles(BaseImageStore.ROOT + "/files").stream()
        .map(StoredObject::key)
        .collect(Collectors.toSet());
  }
}
