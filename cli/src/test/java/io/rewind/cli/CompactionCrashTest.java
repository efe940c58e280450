package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoredObject;
import io.rewind.client.time.TimeParser;
import io.rewind.stack.ChildProcess;
import io.rewind.store.catalog.IndexHead;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.testkit.archive.HistoryArchive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compactor killed with SIGKILL at each window of its protocol ({@code rewind compact --once}
 * in a child JVM, stopped at a named point through the test-only pause property): after each kill
 * the store restores exactly what it restored before any compaction, at the checkpoint and in the
 * middle of the history; {@code rewind gc} removes exactly what that window leaves behind (an
 * orphan merged segment; a merged manifest the index does not name, with its segment; an index page
 * the head does not name) and nothing else; every manifest the index names has its segment; and a
 * last pass leaves the store compacted.
 */
class CompactionCrashTest {

  private static final long HOUR = 3_600_000;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String PAUSE_PROPERTY = "rewind.compactor.test.pause-at";

  @TempDir Path dir;
  private final List<ChildProcess> children = new ArrayList<>();
  private String uri;

  @AfterEach
  void stopChildren() {
    children.forEach(ChildProcess::close);
  }

  @Test
  void aCompactorKilledAtEachWindowLeavesAStoreThatRestoresExactlyAndGcRemovesExactlyWhatItLeft()
      throws Exception {
    Path storeDir = dir.resolve("store");
    uri = storeDir.toUri().toString();
    long first = Math.floorDiv(System.currentTimeMillis() - 5 * HOUR, HOUR) * HOUR;
    HistoryArchive.Written written;
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      // Three ended hours of one segment a minute on two partitions: three hour merges each, then a
      // page.
      written =
          HistoryArchive.write(
              store,
              new KafkaClients(RewindConfig.of(Map.of())).serdes(),
              new HistoryArchive.Shape(2, 3 * HOUR, 20, 60_000, first, 500, 7));
    }
    String middle = TimeParser.format(first + 90 * 60_000);
    Map<String, String> latest = restore("--latest");
    Map<String, String> atMiddle = restore("--to", middle);
    assertThat(latest.values())
        .singleElement()
        .satisfies(d -> assertThat(d.lines().count()).isGreaterThan(1_000));

    // An indexing pass that merges nothing (no window has settled): the crashes below start from an
    // index.
    CliRun.succeed(
        "compact", "--once", "--store", uri, "--set", "compaction.settle.ms=" + 10 * 24 * HOUR);
    assertThat(index(0).indexedEnd).isEqualTo(written.edits() / 2);

    crash("merged-segment-written");
    assertGcRemoves(1, 0, 0);
    crash("merged-manifest-written");
    assertGcRemoves(1, 1, 0);
    crash("head-written");
    assertThat(index(0).entries).anySatisfy(m -> assertThat(m.level()).isEqualTo(2));
    assertGcRemoves(0, 0, 0);
    crash("retired-manifest-deleted");
    assertGcRemoves(0, 0, 0);
    crash("page-written");
    assertGcRemoves(0, 0, 1);

    CliRun.succeed(
        "compact",
        "--once",
        "--store",
        uri,
        "--set",
        "compaction.grace.ms=0",
        "--set",
        "compaction.settle.ms=0",
        "--set",
        "compaction.index.page.entries=2");
    assertGcRemoves(0, 0, 0);
    assertThat(restore("--latest")).isEqualTo(latest);
    assertThat(restore("--to", middle)).isEqualTo(atMiddle);
    for (int p = 0; p < 2; p++) {
      IndexHead head = index(p);
      assertThat(head.pages).hasSize(1);
      // The last hour's merge, and the segment committed just after the history's last hour ended,
      // alone in its hour.
      assertThat(head.entries).extracting(Manifest::level).containsExactly(2, 0);
      assertThat(head.retired).isEmpty();
    }
    assertThat(files("segments"))
        .as("per partition one segment per hour, and the lone last one")
        .hasSize(8);
    assertThat(files("manifests")).hasSize(8);
  }

  /**
   * Runs a compactor told to stop at {@code point}, waits until it is there, kills it, and checks
   * the store restores as before.
   */
  private void crash(String point) throws Exception {
    Map<String, String> latest = restore("--latest");
    List<String> args =
        new ArrayList<>(
            List.of(
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-D" + PAUSE_PROPERTY + "=" + point,
                "-cp",
                testClassPath(),
                Rewind.class.getName(),
                "compact",
                "--once",
                "--store",
                uri,
                "--set",
                "compaction.grace.ms=0",
                "--set",
                "compaction.settle.ms=0",
                "--set",
                "compaction.index.page.entries=2",
                // Killed, it holds the stream's lease until this expires: gc below waits that long.
                "--set",
                "lease.duration.ms=3000",
                "--set",
                "lease.clock.skew.ms=100"));
    ChildProcess child =
        ChildProcess.start(
            "compactor-" + point,
            ChildProcess.javaCommand(args),
            dir.resolve("children"),
            dir.resolve("children").resolve(point + ".log"));
    children.add(child);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!child.isAlive()) {
                throw new AssertionError(
                    child.name()
                        + " exited before "
                        + point
                        + "; its log ends with:\n"
                        + child.logTail());
              }
              return Files.readString(child.logFile(), StandardCharsets.ISO_8859_1)
                  .contains("rewind-test: paused at " + point + " p=0");
            });
    ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
    handle.destroyForcibly();
    handle.onExit().join();
    child.close();
    assertThat(restore("--latest")).as("a restore after a kill at %s", point).isEqualTo(latest);
    assertEveryIndexedSegmentExists(point);
  }

  private void assertEveryIndexedSegmentExists(String point) throws IOException {
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      ManifestIndex index = new ManifestIndex(store);
      for (int p : index.partitions()) {
        for (Manifest m : index.open(p).all()) {
          assertThat(store.exists(m.segmentPath))
              .as("after %s, %s names %s", point, m.key(), m.segmentPath)
              .isTrue();
        }
      }
    }
  }

  private void assertGcRemoves(int segments, int manifests, int pages) throws Exception {
    JsonNode gc =
        CliRun.json(
            "gc",
            "--store",
            uri,
            "--grace",
            "0s",
            "--wait",
            "30s",
            "--set",
            "lease.clock.skew.ms=100",
            "--set",
            "lease.poll.ms=200",
            "--json");
    assertThat(gc.get("removed")).as("orphan segments: %s", gc).hasSize(segments);
    gc.get("removed").forEach(k -> assertThat(k.asText()).contains("/L2/"));
    assertThat(gc.get("manifestsRemoved")).as("stray manifests: %s", gc).hasSize(manifests);
    assertThat(gc.get("pagesRemoved")).as("stray index pages: %s", gc).hasSize(pages);
  }

  private IndexHead index(int partition) throws IOException {
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      return new ManifestIndex(store).readHead(partition).orElseThrow();
    }
  }

  private List<String> files(String under) throws IOException {
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      return store.listFiles(under).stream().map(StoredObject::key).toList();
    }
  }

  /** The cell dump of a restore, file by file. */
  private Map<String, String> restore(String... when) throws IOException {
    Path out = Files.createTempDirectory(dir, "restore");
    List<String> args =
        new ArrayList<>(List.of("restore", "--store", uri, "--out", out.toString()));
    args.addAll(List.of(when));
    CliRun.succeed(args.toArray(String[]::new));
    Map<String, String> dumps = new TreeMap<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.toList()) {
        // The header line names the time restored to, which differs between runs only in the name.
        dumps.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    return dumps;
  }

  private static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }
}
