package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.archiver.OrphanSegmentCollector;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.cli.CliRun;
import io.rewind.cli.Rewind;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.producer.EditPublisher;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.stack.ChildProcess;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.segment.SegmentReader;
import io.rewind.testkit.sim.ExpectedState;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across crashes: two archivers run as child JVMs ({@code rewind archive}, the real
 * entry point) while a simulated fleet writes, and are killed with SIGKILL ten times: first at the
 * three named windows of the commit protocol (mid-segment; segment written, manifest not; manifest
 * written, offset not committed), reached deterministically through the test-only pause property,
 * then at random moments. Each killed archiver is restarted. At the end the committed manifests
 * cover every offset of every partition exactly as Kafka holds it, a restore equals the fleet's
 * expected state, and {@code rewind gc} removes the orphans the crashes left and nothing else.
 */
class ArchiverCrashTest {

  private static final int PARTITIONS = 4;
  private static final int KILLS = 10;
  private static final List<String> WINDOWS =
      List.of("mid-segment", "segment-written", "manifest-written");
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String PAUSE_PROPERTY = "rewind.archiver.test.pause-at";

  @TempDir Path dir;
  private final Random random = new Random(20240605);
  private EmbeddedStack stack;
  private final List<ChildProcess> everyChild = new ArrayList<>();
  private int launches;

  @Test
  void archiversKilledAtTheCommitWindowsAndAtRandomArchiveEveryOffsetExactlyOnce()
      throws Exception {
    stack =
        EmbeddedStack.builder()
            .workDir(dir.resolve("stack"))
            .editsPartitions(PARTITIONS)
            // A killed member's partitions move on within seconds, not the default 45 s.
            .brokerConfig("group.min.session.timeout.ms", "1000")
            .start();
    RewindConfig config = stack.config();
    try (CheckpointApp checkpoint = new CheckpointApp(config);
        EditPublisher publisher = new EditPublisher(config, "crash-fleet");
        ObjectStore store = ObjectStore.open(config)) {
      checkpoint.start();
      SimulatorSettings load =
          SimulatorSettings.defaults()
              .servers(6)
              .editsPerSecond(600)
              .duration(Duration.ofSeconds(25))
              .deaths(1)
              .seed(11);
      try (FleetSimulator fleet = new FleetSimulator(load, publisher, Clock.systemUTC())) {
        fleet.start();
        ChildProcess[] slots = {launch("a1", WINDOWS.get(0)), launch("a2", WINDOWS.get(1))};
        Set<String> orphansAtKill = new HashSet<>();
        for (int kill = 0; kill < KILLS; kill++) {
          int slot = kill % 2;
          ChildProcess victim = slots[slot];
          if (kill < WINDOWS.size()) {
            awaitLog(victim, "rewind-test: paused at " + WINDOWS.get(kill));
          } else {
            // A kill before the archiver owns a partition would test nothing: wait until it
            // archives one.
            awaitLog(
                victim,
                "archiver "
                    + slotId(slot)
                    + ": partitions assigned ["
                    + new Topics(config.topicPrefix()).edits());
            Thread.sleep(200 + random.nextInt(2500));
          }
          sigkill(victim);
          if (kill < WINDOWS.size() && WINDOWS.get(kill).equals("segment-written")) {
            orphansAtKill.addAll(
                segmentsWithoutManifest(store, pausedPartitions(victim, WINDOWS.get(kill))));
          }
          System.out.printf(
              "kill %d: SIGKILL %s (%s)%n",
              kill + 1, victim.name(), kill < WINDOWS.size() ? WINDOWS.get(kill) : "random moment");
          // The next archiver in this slot stops at the next named window, if one is left.
          int nextKillOfSlot = kill + 2;
          slots[slot] =
              launch(
                  slotId(slot),
                  nextKillOfSlot < WINDOWS.size() ? WINDOWS.get(nextKillOfSlot) : null);
        }
        assertThat(fleet.awaitWorkloadDone(WAIT)).as("the fleet published its workload").isTrue();
        ExpectedState expected = fleet.expected();

        Map<Integer, Map<Long, ConsumerRecord<byte[], byte[]>>> log = readLog(config);
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> archivedUpTo(store, log));
        for (ChildProcess child : slots) {
          child.close();
        }

        for (int p = 0; p < PARTITIONS; p++) {
          assertArchivedExactlyOnce(store, p, log.get(p));
        }

        List<String> orphans = orphansBelowFrontier(store);
        String gcJson =
            CliRun.succeed("gc", "--store", config.storeUri(), "--grace", "0s", "--json");
        OrphanSegmentCollector.Report gc =
            Json.MAPPER.readValue(gcJson, OrphanSegmentCollector.Report.class);
        System.out.printf("gc removed %d orphan segments: %s%n", gc.removed.size(), gc.removed);
        assertThat(gc.removed)
            .as("gc removes exactly the orphans below the frontier")
            .containsExactlyInAnyOrderElementsOf(orphans);
        assertThat(gc.removed).as("gc removed the crashes' orphans").isNotEmpty();
        // The segment-written kill left its segment without a manifest; the restarted archiver
        // almost surely
        // rolled that range differently, so gc removed it, unless a later commit named that very
        // key.
        assertThat(orphansAtKill)
            .as("segments without a manifest at the segment-written kill")
            .isNotEmpty();
        Set<String> named = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
          new ManifestStore(store).list(p).forEach(m -> named.add(m.segmentPath));
        }
        assertThat(orphansAtKill)
            .allSatisfy(
                key ->
                    assertThat(gc.removed.contains(key) || named.contains(key))
                        .as("%s was removed by gc or committed later", key)
                        .isTrue());
        for (int p = 0; p < PARTITIONS; p++) {
          for (Manifest m : new ManifestStore(store).list(p)) {
            assertThat(store.exists(m.segmentPath))
                .as("gc kept committed %s", m.segmentPath)
                .isTrue();
          }
          assertArchivedExactlyOnce(store, p, log.get(p));
        }

        long c = awaitCheckpoint(store, expected.lastWriteTime());
        DemoReport report = new DemoReport();
        StringWriter narration = new StringWriter();
        new DemoVerifier(
                store,
                config,
                dir.resolve("restores"),
                expected,
                new DemoCommand.Narrator(new PrintWriter(narration)))
            .verify(3, 7, c, report);
        assertThat(report.restores).hasSize(3);
        assertThat(report.restores)
            .as(narration.toString())
            .allSatisfy(r -> assertThat(r.verified).isTrue());
      }
    } finally {
      everyChild.forEach(ChildProcess::close);
      stack.close();
    }
  }

  private static String slotId(int slot) {
    return "a" + (slot + 1);
  }

  /**
   * `rewind archive` in a child JVM, optionally told to stop at a named window of the commit
   * protocol.
   */
  private ChildProcess launch(String id, String pauseAt) throws IOException {
    RewindConfig config = stack.config();
    List<String> args =
        new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (pauseAt != null) {
      args.add("-D" + PAUSE_PROPERTY + "=" + pauseAt);
    }
    args.addAll(
        List.of(
            "-cp",
            testClassPath(),
            Rewind.class.getName(),
            "archive",
            "--id",
            id,
            "--bootstrap-servers",
            config.bootstrapServers(),
            "--store",
            config.storeUri(),
            "--set",
            "segment.max.age.ms=300",
            "--set",
            "consumer.session.timeout.ms=2000",
            "--set",
            "consumer.heartbeat.interval.ms=500",
            // An archiver paused at a window inside a worker blocks its revocation: let the group
            // move on.
            "--set",
            "consumer.max.poll.interval.ms=8000"));
    int n = ++launches;
    ChildProcess child =
        ChildProcess.start(
            "archiver-" + id + "-" + n,
            ChildProcess.javaCommand(args),
            dir.resolve("children"),
            dir.resolve("children")
                .resolve(n + "-" + id + (pauseAt == null ? "" : "-" + pauseAt) + ".log"));
    everyChild.add(child);
    return child;
  }

  private static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static void awaitLog(ChildProcess child, String text) {
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                if (!child.isAlive()) {
                  throw new AssertionError(
                      child.name() + " exited; its log ends with:\n" + child.logTail());
                }
                return Files.readString(child.logFile(), StandardCharsets.ISO_8859_1)
                    .contains(text);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          child.name()
              + " did not log '"
              + text
              + "' within "
              + WAIT.toSeconds()
              + " s; its log ends with:\n"
              + child.logTail(),
          e);
    }
  }

  /**
   * The partitions the child paused at the point in (each worker logs {@code rewind-test: paused at
   * <point> p=<n>}).
   */
  private static Set<Integer> pausedPartitions(ChildProcess child, String point)
      throws IOException {
    Set<Integer> partitions = new HashSet<>();
    Matcher m =
        Pattern.compile("rewind-test: paused at " + Pattern.quote(point) + " p=(\\d+)")
            .matcher(Files.readString(child.logFile(), StandardCharsets.ISO_8859_1));
    while (m.find()) {
      partitions.add(Integer.parseInt(m.group(1)));
    }
    assertThat(partitions).as("%s logged where it paused", child.name()).isNotEmpty();
    return partitions;
  }

  private static Set<String> segmentsWithoutManifest(ObjectStore store, Set<Integer> partitions)
      throws IOException {
    Set<String> keys = new HashSet<>();
    for (int p : partitions) {
      Set<String> named = new HashSet<>();
      new ManifestStore(store).list(p).forEach(m -> named.add(m.segmentPath));
      for (FileStatus s : store.list(StoreLayout.segmentsDir(p))) {
        String key = StoreLayout.segmentsDir(p) + "/" + s.getPath().getName();
        if (!named.contains(key)) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  private static void sigkill(ChildProcess child) throws InterruptedException {
    ProcessHandle handle =
        ProcessHandle.of(child.pid())
            .orElseThrow(
                () ->
                    new AssertionError(
                        child.name()
                            + " exited before it was killed; its log ends with:\n"
                            + child.logTail()));
    handle.destroyForcibly(); // SIGKILL: no shutdown hook, no final roll
    handle.onExit().join();
    child.close();
  }

  /** Every record of the edits topic, per partition and offset, as Kafka holds it. */
  private static Map<Integer, Map<Long, ConsumerRecord<byte[], byte[]>>> readLog(
      RewindConfig config) {
    KafkaClients clients = new KafkaClients(config);
    Map<Integer, Map<Long, ConsumerRecord<byte[], byte[]>>> log = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> c = clients.consumer("crash-test-reader", null)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(clients.topics().edits(), p));
        log.put(p, new TreeMap<>());
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))
          && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(r -> log.get(r.partition()).put(r.offset(), r));
      }
    }
    return log;
  }

  private static boolean archivedUpTo(
      ObjectStore store, Map<Integer, Map<Long, ConsumerRecord<byte[], byte[]>>> log)
      throws IOException {
    for (int p = 0; p < PARTITIONS; p++) {
      long end = log.get(p).isEmpty() ? 0 : ((TreeMap<Long, ?>) log.get(p)).lastKey() + 1;
      if (ManifestStore.chain(new ManifestStore(store).list(p)).end() < end) {
        return false;
      }
    }
    return true;
  }

  /**
   * The partition's manifests form one chain from offset 0 covering every offset Kafka holds, with
   * no gap; where two manifests overlap (a zombie's redundant copy) both hold the same record; read
   * once per offset, the archive equals the log.
   */
  private static void assertArchivedExactlyOnce(
      ObjectStore store, int partition, Map<Long, ConsumerRecord<byte[], byte[]>> log)
      throws IOException {
    List<Manifest> manifests = new ManifestStore(store).list(partition);
    ManifestStore.Chain chain = ManifestStore.chain(manifests);
    assertThat(chain.manifests())
        .as("p=%d: every manifest is in the chain (no gap)", partition)
        .hasSameSizeAs(manifests);
    assertThat(chain.start()).isZero();
    Map<Long, ArchivedRecord> archived = new TreeMap<>();
    long covered = 0;
    for (Manifest m : chain.manifests()) {
      assertThat(m.startOffset)
          .as("p=%d: %s starts inside what is covered", partition, m)
          .isLessThanOrEqualTo(covered);
      try (SegmentReader reader = SegmentReader.open(store, m)) {
        while (reader.hasNext()) {
          ArchivedRecord r = reader.next();
          ArchivedRecord first = archived.putIfAbsent(r.getOffset(), r);
          if (first != null) {
            assertThat(r)
                .as(
                    "p=%d offset %d: a redundant copy holds the same record",
                    partition, r.getOffset())
                .isEqualTo(first);
          }
        }
      }
      covered = Math.max(covered, m.endOffset);
    }
    assertThat(archived.keySet())
        .as("p=%d: every offset of the log, each once", partition)
        .isEqualTo(log.keySet());
    for (ArchivedRecord r : archived.values()) {
      ConsumerRecord<byte[], byte[]> original = log.get(r.getOffset());
      assertThat(bytes(r.getValue()))
          .as("p=%d offset %d", partition, r.getOffset())
          .isEqualTo(original.value());
      assertThat(r.getTimestamp()).isEqualTo(original.timestamp());
      assertThat(r.getKey() == null ? null : bytes(r.getKey()))
          .as("p=%d offset %d: key", partition, r.getOffset())
          .isEqualTo(original.key());
      List<String> archivedHeaders = new ArrayList<>();
      r.getHeaders()
          .forEach(
              h ->
                  archivedHeaders.add(
                      h.getKey()
                          + "="
                          + (h.getValue() == null ? null : Arrays.toString(bytes(h.getValue())))));
      List<String> originalHeaders = new ArrayList<>();
      original
          .headers()
          .forEach(
              h ->
                  originalHeaders.add(
                      h.key() + "=" + (h.value() == null ? null : Arrays.toString(h.value()))));
      assertThat(archivedHeaders)
          .as("p=%d offset %d: headers, in order", partition, r.getOffset())
          .isEqualTo(originalHeaders)
          .isNotEmpty();
    }
  }

  /**
   * Segments no manifest names whose range lies below their partition's frontier: what gc may
   * remove.
   */
  private static List<String> orphansBelowFrontier(ObjectStore store) throws IOException {
    List<String> orphans = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      List<Manifest> manifests = new ManifestStore(store).list(p);
      Set<String> named = new HashSet<>();
      manifests.forEach(m -> named.add(m.segmentPath));
      long frontier = ManifestStore.chain(manifests).end();
      for (FileStatus s : store.list(StoreLayout.segmentsDir(p))) {
        long[] range = StoreLayout.parseSegmentName(s.getPath().getName());
        String key = StoreLayout.segmentsDir(p) + "/" + s.getPath().getName();
        if (range != null && !named.contains(key) && range[1] <= frontier) {
          orphans.add(key);
        }
      }
    }
    return orphans;
  }

  private static long awaitCheckpoint(ObjectStore store, long lastWriteTime) {
    Map<String, Long> seen = new HashMap<>();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Optional<CheckpointFile.Stored> c = CheckpointFile.read(store);
              c.ifPresent(s -> seen.put("c", s.time));
              return c.isPresent() && c.get().time >= lastWriteTime;
            });
    return seen.get("c");
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
