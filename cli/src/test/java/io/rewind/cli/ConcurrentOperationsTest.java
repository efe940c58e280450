package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.TableBases;
import io.rewind.client.lease.LeaseEntry;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.stack.ChildProcess;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.testkit.hbase.HBaseWorkload;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations that change the store, each a real {@code rewind} process, run at once on overlapping
 * and disjoint tables while HBase writes and the archiver archives: bases of the three tables (two
 * of one table at once), compactors, gc with no grace period, retention. Some are killed with
 * SIGKILL (a base mid-copy, a compactor), some paused with SIGSTOP past their lease's expiry (a
 * compactor while gc takes the stream over, a base while another takes its table over) and resumed.
 * Afterwards nothing any index, base or intent names is missing, the paused holders committed
 * nothing after they lost their lease, disjoint operations were seen holding their leases at the
 * same moment, and every restore inside the retention window equals HBase's snapshot at its time,
 * one of them run while retention and gc were deleting. One mini cluster for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentOperationsTest {

  private static final Logger LOG = LoggerFactory.getLogger(ConcurrentOperationsTest.class);
  private static final long SEED = 20261218L;

  /** Short leases, so a SIGSTOP of a few seconds outlives one. */
  private static final String[] LEASES = {
    "--set",
    "lease.duration.ms=3000",
    "--set",
    "lease.clock.skew.ms=200",
    "--set",
    "lease.poll.ms=100"
  };

  private static final String[] COMPACTION = {
    "--set",
    "compaction.interval.ms=1000",
    "--set",
    "compaction.level.windows.ms=2000,20000",
    "--set",
    "compaction.settle.ms=500",
    "--set",
    "compaction.grace.ms=1000"
  };
  private static final Duration CHILD_EXIT = Duration.ofSeconds(120);

  private Path dir;
  private OraclePipeline pipeline;
  private EmbeddedStack stack;
  private HBaseMiniCluster hbase;
  private ObjectStore store;
  private HBaseWorkload workload;
  private String orders;
  private String events;
  private String profiles;
  private final List<ChildProcess> children = new ArrayList<>();
  private final List<List<LeaseEntry>> leaseSamples = new CopyOnWriteArrayList<>();
  private volatile boolean sampling = true;
  private Thread sampler;
  private final List<HBaseWorkload.Pause> pauses = new ArrayList<>();
  private long windowStart;
  private int pausedBaseExit;
  private String pausedBaseLog;
  private CliRun.Result restoreDuringRetention;

  @BeforeAll
  void runOperationsAtOnce(@TempDir Path tmp) throws Exception {
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    dir = tmp;
    pipeline = OraclePipeline.start(2, 1, "concurrent-archiver");
    stack = pipeline.stack;
    hbase = pipeline.hbase;
    store = pipeline.store;
    workload = new HBaseWorkload(hbase.connection(), "cc", SEED);
    workload.createTables();
    orders = workload.tableNames().get(0);
    events = workload.tableNames().get(1);
    profiles = workload.tableNames().get(2);
    sampler = new Thread(this::sampleLeases, "lease-sampler");
    sampler.setDaemon(true);
    sampler.start();
    workload.run(200);
    workload.flush();
    pauses.add(workload.pause(0, "cc"));

    ChildProcess compactor1 = child("compactor-1", concat(new String[] {"compact"}, COMPACTION));
    // Disjoint tables side by side; a second base of orders queues behind the first, which is
    // killed mid-copy.
    ChildProcess ordersKilled = child("base-orders-killed", base(orders));
    ChildProcess eventsBase = child("base-events", base(events));
    awaitLeaseHeldBy(ordersKilled, "table:" + orders);
    ChildProcess ordersSecond = child("base-orders-second", base(orders));
    workload.run(200);
    Thread.sleep(300);
    signal("KILL", ordersKilled);

    // A base paused past its lease's expiry while another one takes the table over.
    ChildProcess profilesPaused = child("base-profiles-paused", base(profiles));
    awaitLeaseHeldBy(profilesPaused, "table:" + profiles);
    pauseOutsideStoreLocks(profilesPaused);
    ChildProcess profilesTakeover = child("base-profiles-takeover", base(profiles));

    // A compactor paused past its lease's expiry, holding the stream: gc (no grace) and a second
    // compactor take it over.
    awaitLeaseHeldBy(compactor1, "stream");
    pauseOutsideStoreLocks(compactor1);
    ChildProcess gc = child("gc", "gc", "--grace", "0s", "--wait", "60s");
    ChildProcess compactor2 = child("compactor-2", concat(new String[] {"compact"}, COMPACTION));
    workload.run(200);
    assertThat(gc.awaitExit(CHILD_EXIT)).as("gc: %s", log(gc)).isZero();
    assertThat(profilesTakeover.awaitExit(CHILD_EXIT))
        .as("base of profiles taking over: %s", log(profilesTakeover))
        .isZero();
    signal("CONT", compactor1);
    signal("CONT", profilesPaused);
    pausedBaseExit = profilesPaused.awaitExit(CHILD_EXIT);
    pausedBaseLog = log(profilesPaused);
    assertThat(eventsBase.awaitExit(CHILD_EXIT)).as("base of events: %s", log(eventsBase)).isZero();
    assertThat(ordersSecond.awaitExit(CHILD_EXIT))
        .as("second base of orders: %s", log(ordersSecond))
        .isZero();
    Thread.sleep(2_000);
    // Resumed, it finds its lease gone at its next check or renewal (unless its pass had nothing
    // left to commit).
    LOG.info("the paused compactor's log after it resumed:\n{}", log(compactor1));
    signal("KILL", compactor1);

    // Every table has a base now: retention from just after the last one, with a restore and gc
    // beside it.
    workload.run(200);
    windowStart = latestBaseCompletion() + 1;
    pauses.add(workload.pause(1, "cc"));
    pipeline.awaitCheckpointAtOrAfter(pauses.get(1).time(), Duration.ofSeconds(120));
    ChildProcess retention =
        child(
            "retention",
            "retention",
            "--window-start",
            String.valueOf(windowStart),
            "--wait",
            "60s");
    ChildProcess gcBeside = child("gc-beside", "gc", "--grace", "0s", "--wait", "60s");
    restoreDuringRetention =
        OracleRestores.restore(
            stack.storeUri(),
            hbase.zookeeperQuorum(),
            pauses.get(1).time(),
            workload.tableNames(),
            "during");
    assertThat(retention.awaitExit(CHILD_EXIT)).as("retention: %s", log(retention)).isZero();
    assertThat(gcBeside.awaitExit(CHILD_EXIT))
        .as("gc beside retention: %s", log(gcBeside))
        .isZero();
    workload.run(200);
    pauses.add(workload.pause(2, "cc"));
    workload.close();
    pipeline.awaitCheckpointAtOrAfter(pauses.get(2).time(), Duration.ofSeconds(120));
    signal("TERM", compactor2);
    compactor2.awaitExit(CHILD_EXIT);
    sampling = false;
    sampler.join(5_000);
    LOG.info(
        "{} lease samples; window starts {}; pauses at {}",
        leaseSamples.size(),
        TimeParser.format(windowStart),
        pauses.stream().map(p -> TimeParser.format(p.time())).toList());
  }

  @AfterAll
  void stop() throws Exception {
    sampling = false;
    children.forEach(ChildProcess::close);
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void disjointOperationsHeldTheirLeasesAtTheSameMoment() {
    boolean basesSideBySide =
        leaseSamples.stream()
            .anyMatch(s -> holds(s, "table:" + orders) && holds(s, "table:" + events));
    boolean baseBesideStream =
        leaseSamples.stream()
            .anyMatch(
                s -> holds(s, "stream") && s.stream().anyMatch(e -> e.operation.equals("base")));
    assertThat(basesSideBySide)
        .as("bases of orders and events held their leases at one moment")
        .isTrue();
    assertThat(baseBesideStream)
        .as("a base and a stream operation (compaction, gc, retention) held leases at one moment")
        .isTrue();
    // Never two holders of one resource at once.
    for (List<LeaseEntry> sample : leaseSamples) {
      List<String> held = new ArrayList<>();
      sample.forEach(e -> held.addAll(e.resources));
      assertThat(held).as("resources held in %s", sample).doesNotHaveDuplicates();
    }
  }

  @Test
  void aBasePausedPastItsLeaseCommittedNothingAfterLosingIt() throws Exception {
    assertThat(pausedBaseExit).as(pausedBaseLog).isEqualTo(Errors.FAILED);
    assertThat(pausedBaseLog).contains("lease").contains("table:" + profiles).contains("gone");
    assertThat(new BaseImageStore(store).bases(profiles).all())
        .as("only the takeover committed a base of profiles")
        .singleElement()
        .satisfies(b -> assertThat(b.leaseEpoch).isPositive());
  }

  @Test
  void nothingAnIndexABaseOrAnIntentNamesIsMissing() throws Exception {
    ManifestIndex index = new ManifestIndex(store);
    int manifests = 0;
    for (int p : index.partitions()) {
      for (Manifest m : index.open(p).all()) {
        manifests++;
        assertThat(store.exists(m.segmentPath)).as("%s names %s", m.key(), m.segmentPath).isTrue();
      }
    }
    assertThat(manifests).isPositive();
    BaseImageStore bases = new BaseImageStore(store);
    for (String table : workload.tableNames()) {
      TableBases tb = bases.bases(table);
      assertThat(tb.all()).as("bases of %s", table).isNotEmpty();
      for (BaseImageManifest b : tb.all()) {
        for (BaseImageFile f : b.files) {
          assertThat(store.exists(f.key)).as("%s names %s", b, f.key).isTrue();
        }
      }
      for (BaseImageManifest intent : bases.intents(table)) {
        for (BaseImageFile f : intent.files) {
          if (f.sha256 != null) {
            assertThat(store.exists(f.key)).as("the intent of %s names %s", intent, f.key).isTrue();
          }
        }
      }
    }
    Leases leases =
        new Leases(store, LeaseSettings.from(stack.config()), System::currentTimeMillis);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(leases.live())
                    .as("every holder released its lease, or died and its lease expired")
                    .isEmpty());
  }

  @Test
  void everyRestoreInsideTheWindowEqualsHBasesSnapshotAndOneBeforeItIsRefused() throws Exception {
    assertThat(restoreDuringRetention.exit)
        .as("restore while retention and gc ran: %s", restoreDuringRetention.err)
        .isZero();
    List<String> mismatches =
        new ArrayList<>(
            OracleRestores.compare(
                    hbase.connection(), pauses.get(1), workload.tableNames(), "during")
                .mismatches());
    for (HBaseWorkload.Pause p : pauses.subList(2, pauses.size())) {
      CliRun.Result r =
          OracleRestores.restore(
              stack.storeUri(),
              hbase.zookeeperQuorum(),
              p.time(),
              workload.tableNames(),
              "r" + p.index());
      assertThat(r.exit).as("restore to %s: %s", TimeParser.format(p.time()), r.err).isZero();
      OracleRestores.Comparison c =
          OracleRestores.compare(hbase.connection(), p, workload.tableNames(), "r" + p.index());
      assertThat(c.cellsCompared()).isPositive();
      mismatches.addAll(c.mismatches());
    }
    assertThat(mismatches).isEmpty();
    CliRun.Result before =
        OracleRestores.restore(
            stack.storeUri(),
            hbase.zookeeperQuorum(),
            pauses.get(0).time(),
            workload.tableNames(),
            "r0");
    assertThat(before.exit).as(before.err).isEqualTo(Errors.REFUSED);
    assertThat(before.err).contains("outside the restorable range");
  }

  private static boolean holds(List<LeaseEntry> sample, String resource) {
    return sample.stream().anyMatch(e -> e.resources.contains(resource));
  }

  private void sampleLeases() {
    try (ObjectStore own = ObjectStore.open(stack.config())) {
      Leases leases =
          new Leases(own, LeaseSettings.from(stack.config()), System::currentTimeMillis);
      while (sampling) {
        try {
          List<LeaseEntry> live = leases.live();
          if (live.size() > 1) {
            leaseSamples.add(live);
          }
        } catch (IOException | RuntimeException e) {
          LOG.debug("lease sample failed: {}", e.toString());
        }
        Thread.sleep(50);
      }
    } catch (IOException | InterruptedException e) {
      LOG.warn("lease sampler stopped: {}", e.toString());
    }
  }

  private void awaitLeaseHeldBy(ChildProcess child, String resource) throws IOException {
    Leases leases =
        new Leases(store, LeaseSettings.from(stack.config()), System::currentTimeMillis);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!child.isAlive()) {
                throw new AssertionError(
                    child.name() + " exited before it held " + resource + ":\n" + child.logTail());
              }
              return leases.live().stream()
                  .anyMatch(e -> e.pid == child.pid() && e.resources.contains(resource));
            });
  }

  private String[] base(String table) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "base",
                "--tables",
                table,
                "--wait",
                "60s",
                "--hbase-zk",
                hbase.zookeeperQuorum(),
                "--hbase-conf",
                "hbase.client.pause=20",
                "--threads",
                "1"));
    hbase.rootDirSettings().forEach((k, v) -> args.addAll(List.of("--hbase-conf", k + "=" + v)));
    return args.toArray(new String[0]);
  }

  private ChildProcess child(String name, String... command) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                RestorePointParkedRequesterTest.testClassPath(),
                Rewind.class.getName()));
    Collections.addAll(args, command);
    args.addAll(List.of("--store", stack.storeUri()));
    Collections.addAll(args, LEASES);
    ChildProcess c =
        ChildProcess.start(
            name,
            ChildProcess.javaCommand(args),
            dir.resolve("children"),
            dir.resolve("children/" + name + ".log"));
    children.add(c);
    return c;
  }

  private static String[] concat(String[] a, String[] b) {
    List<String> all = new ArrayList<>(List.of(a));
    Collections.addAll(all, b);
    return all.toArray(new String[0]);
  }

  /**
   * SIGSTOPs {@code child} at a moment it holds none of the file:// store's compare-and-swap locks.
   * Frozen inside one (held for a read and a small write), it would hold every other process up
   * until they give up after 30 s, naming the lock: a case of its own, not the lease expiry this
   * test pauses holders for.
   */
  private void pauseOutsideStoreLocks(ChildProcess child) throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      signal("STOP", child);
      if (!holdsStoreLock(child.pid())) {
        return;
      }
      signal("CONT", child);
      Thread.sleep(20);
    }
    throw new AssertionError(child.name() + " held a store lock at each of 50 pauses");
  }

  /** Whether {@code pid} holds a POSIX lock (/proc/locks) on one of the store's lock files. */
  private boolean holdsStoreLock(long pid) throws IOException {
    Set<String> lockFiles = new HashSet<>();
    try (Stream<Path> files = Files.walk(Path.of(URI.create(stack.storeUri())))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().endsWith(".lock")) {
          lockFiles.add(String.valueOf(Files.getAttribute(p, "unix:ino")));
        }
      }
    }
    // "1: POSIX  ADVISORY  WRITE 4242 fd:00:1234567 0 EOF": the holder's pid, then dev:inode.
    try (Stream<String> locks = Files.lines(Path.of("/proc/locks"))) {
      return locks
          .map(l -> l.trim().split("\\s+"))
          .filter(f -> f.length > 5 && f[4].equals(String.valueOf(pid)))
          .anyMatch(f -> lockFiles.contains(f[5].substring(f[5].lastIndexOf(':') + 1)));
    }
  }

  private static void signal(String signal, ChildProcess child) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(child.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %s", signal, child.name()).isZero();
    LOG.info("sent SIG{} to {} (pid {})", signal, child.name(), child.pid());
  }

  private static String log(ChildProcess child) throws IOException {
    return Files.readString(child.logFile());
  }

  private long latestBaseCompletion() throws IOException {
    long latest = 0;
    for (Map.Entry<String, TableBases> e : new BaseImageStore(store).all().entrySet()) {
      for (BaseImageManifest b : e.getValue().all()) {
        latest = Math.max(latest, b.completedAt);
      }
    }
    return latest;
  }
}
