package io.rewind.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.archiver.CompactionSettings;
import io.rewind.archiver.Compactor;
import io.rewind.cli.Rewind;
import io.rewind.cli.RunOptions;
import io.rewind.cli.StoreRequestsField;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.restore.Restore;
import io.rewind.stack.ChildProcess;
import io.rewind.stack.S3ProxyServer;
import io.rewind.testkit.archive.HistoryArchive;
import io.rewind.testkit.archive.SyntheticArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench history}: how the costs of routine operations grow with a store's age. Stores
 * holding increasing spans of the RPO bench's load, written straight into an S3 API server's bucket
 * with the archivers' level-0 pattern ({@link HistoryArchive}), are compacted through S3A; then an
 * archiver resume, a restore plan to the middle, the status page's store part and a retention pass
 * are timed and their requests counted ({@link HistoryCosts}), per size, with the growth of the
 * largest over the smallest. Last, a restore of at least {@code --restore-edits} edits in a child
 * JVM under {@code --restore-heap}, its peak resident memory and speed, beside a restore that sorts
 * in memory (a budget no smaller store needs to spill) on the smallest store.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description =
        "Request and time growth of resume, plan, status and retention with history on S3 (S3Proxy), before and after"
            + " compaction, and a bounded-memory restore beside an in-memory one.")
final class HistoryBenchCommand implements Callable<Integer> {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  static final double GOAL_REQUEST_GROWTH = 1.5;
  static final double GOAL_RESTORE_SPEED = 0.8;

  @Option(
      names = "--minutes",
      split = ",",
      description = "History spans to generate, in minutes (default: 2,7,20).")
  List<Integer> minutes = List.of(2, 7, 20);

  @Option(
      names = "--steady-minutes",
      description =
          "Minutes of steady archiving simulated beside a running compactor, for the"
              + " requests per hour (default: ${DEFAULT-VALUE}).")
  int steadyMinutes = 3;

  @Option(
      names = "--rate",
      description =
          "Edits a second in the history (default: ${DEFAULT-VALUE}, the RPO bench's load).")
  long rate = 50_000;

  @Option(
      names = "--partitions",
      description = "Partitions of the edits topic (default: ${DEFAULT-VALUE}).")
  int partitions = 12;

  @Option(
      names = "--roll-ms",
      description =
          "Level-0 segments per partition: one per this many ms (default: ${DEFAULT-VALUE},"
              + " segment.max.age.ms).")
  long rollMs = 500;

  @Option(
      names = "--restore-edits",
      description =
          "Edits the bounded-memory restore replays at least (default: ${DEFAULT-VALUE}).")
  long restoreEdits = 20_000_000;

  @Option(
      names = "--restore-heap",
      description = "Heap of the bounded-memory restore's JVM (default: ${DEFAULT-VALUE}).")
  String restoreHeap = "512m";

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-history-",
        (dir, report) -> {
          KafkaClients clients = new KafkaClients(RewindConfig.of(Map.of()));
          try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), "history")) {
            List<Map<String, Object>> sizes = new ArrayList<>();
            Map<Integer, Long> edits = new LinkedHashMap<>();
            for (int m : minutes.stream().sorted().toList()) {
              Map<String, Object> size = new LinkedHashMap<>();
              edits.put(m, measureSize(s3, clients, m, size, sizes.isEmpty()));
              sizes.add(size);
            }
            report.put("steady", steady(s3, clients));
            report.put("partitions", partitions);
            report.put("edits_per_sec", rate);
            report.put("level0_segments_per_partition_per_sec", 1000.0 / rollMs);
            report.put("sizes", sizes);
            Map<String, Object> smallest = sizes.get(0);
            Map<String, Object> largest = sizes.get(sizes.size() - 1);
            for (String cost : List.of("resume", "plan", "status", "retention")) {
              report.put(
                  cost + "_requests_growth",
                  ratio(largest.get(cost + "_requests"), smallest.get(cost + "_requests")));
              report.put(
                  cost + "_ms_growth",
                  ratio(largest.get(cost + "_ms"), smallest.get(cost + "_ms")));
            }
            int restoreSize =
                edits.entrySet().stream()
                    .filter(e -> e.getValue() >= restoreEdits)
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElseThrow(
                        () ->
                            new RewindException(
                                Kind.REFUSED,
                                "no history holds --restore-edits "
                                    + restoreEdits
                                    + " edits: raise --rate or"
                                    + " the largest of --minutes"));
            restoreInChild(s3, dir, "h" + restoreSize, restoreHeap, Map.of(), report, "restore");
            report.put("restore_heap_mb", megabytes(restoreHeap));
            int memorySize = minutes.stream().sorted().findFirst().orElseThrow();
            JsonNode inMemory =
                restoreInChild(
                    s3,
                    dir,
                    "h" + memorySize,
                    "12g",
                    Map.of("restore.sort.memory.bytes", String.valueOf(10L << 30)),
                    report,
                    "in_memory");
            if (inMemory.path("sortRunsSpilled").asLong(0) > 0) {
              throw new IllegalStateException(
                  "the in-memory restore spilled: lower the smallest of --minutes or --rate");
            }
            report.put(
                "restore_speed_ratio",
                ratio(report.get("restore_edits_per_sec"), report.get("in_memory_edits_per_sec")));
            report.put(
                "goals",
                Map.of(
                    "request_growth_at_most",
                    GOAL_REQUEST_GROWTH,
                    "restore_speed_ratio_at_least",
                    GOAL_RESTORE_SPEED,
                    "objects_per_partition_hour_at_most",
                    2));
          }
        },
        report ->
            String.format(
                "resume requests x%s, plan requests x%s over %s minutes of history; restore of %,d edits under %s MB"
                    + " heap: %s MB resident, %,d edits/s (%s of the in-memory replay's %,d)",
                report.get("resume_requests_growth"),
                report.get("plan_requests_growth"),
                minutes,
                Figures.whole(report.get("restore_edits")),
                report.get("restore_heap_mb"),
                report.get("restore_peak_rss_mb"),
                Figures.whole(report.get("restore_edits_per_sec")),
                report.get("restore_speed_ratio"),
                Figures.whole(report.get("in_memory_edits_per_sec"))));
  }

  /**
   * Writes one history, compacts it, measures the routine operations; returns the edits it holds.
   */
  private long measureSize(
      S3ProxyServer s3, KafkaClients clients, int m, Map<String, Object> size, boolean smallest)
      throws Exception {
    String prefix = "h" + m;
    Path local = s3.bucketDir().resolve(prefix);
    // Hour-aligned and over an hour ago: every level's window has ended, as for history older than
    // the top level.
    long first = Math.floorDiv(System.currentTimeMillis() - 2 * HOUR - m * MINUTE, HOUR) * HOUR;
    long started = System.nanoTime();
    HistoryArchive.Written written;
    try (ObjectStore direct = ObjectStore.open(local.toUri().toString(), Map.of())) {
      written =
          HistoryArchive.write(
              direct,
              clients.serdes(),
              new HistoryArchive.Shape(partitions, m * MINUTE, rate, rollMs, first, 1_000_000, m));
    }
    tagForS3Proxy(local);
    size.put("minutes", m);
    size.put("edits", written.edits());
    size.put("write_ms", (System.nanoTime() - started) / 1_000_000);
    size.put("objects_before", objects(local));
    long middle = first + m * MINUTE / 2;
    try (ObjectStore store = ObjectStore.open(s3.uri(prefix), s3.hadoopConf())) {
      Restore restore = new Restore(store, clients.serdes(), clients.topics().edits());
      if (smallest) {
        put(size, "uncompacted_resume", HistoryCosts.resume(store));
        put(size, "uncompacted_plan", HistoryCosts.plan(store, restore, middle));
        size.put("uncompacted_restore_requests", restoreRequests(s3, prefix));
      }
      StoreRequests before = store.requests();
      long compactStarted = System.nanoTime();
      Compactor.Report compaction =
          new Compactor(
                  store,
                  new CompactionSettings(RewindConfig.of(Map.of(CompactionSettings.GRACE_MS, "0"))),
                  "bench",
                  System::currentTimeMillis)
              .pass();
      size.put("compaction_ms", (System.nanoTime() - compactStarted) / 1_000_000);
      size.put("compaction_requests", store.requests().minus(before).total());
      size.put("compaction_bytes_written", compaction.bytesWritten);
      if (!compaction.errors.isEmpty()) {
        throw new IllegalStateException("compaction failed: " + compaction.errors);
      }
      size.put("objects_after", objects(local));
      size.put(
          "objects_after_per_partition_hour",
          Math.round(
                  (double) segmentObjects(local)
                      / partitions
                      / Math.max(1, Math.ceil(m / 60.0))
                      * 100)
              / 100.0);
      put(size, "resume", HistoryCosts.resume(store));
      put(size, "plan", HistoryCosts.plan(store, restore, middle));
      put(size, "status", HistoryCosts.status(store));
      // A base a quarter in, so that retention has a cutoff to walk to; only retention needs it (a
      // restore into cell dumps cannot load a base).
      BaseImageManifest base = new BaseImageManifest();
      base.table = SyntheticArchive.TABLE;
      base.startedAt = first + m * MINUTE / 4;
      base.id = BaseImageStore.baseId(base.startedAt);
      base.replayAfter = base.startedAt - 500;
      base.completedAt = base.startedAt + 1_000;
      base.committedAt = base.completedAt;
      new BaseImageStore(store).commit(base);
      put(size, "retention", HistoryCosts.retention(store, middle + 2_000));
      new BaseImageStore(store).delete(base);
    }
    if (smallest) {
      size.put("restore_requests", restoreRequests(s3, prefix));
    }
    return written.edits();
  }

  /**
   * The requests of a whole restore of the store to its checkpoint into cell dumps (run here, in
   * this JVM).
   */
  private static long restoreRequests(S3ProxyServer s3, String prefix) throws IOException {
    Path out = Files.createTempDirectory("rewind-bench-history-restore");
    try {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "restore",
                  "--store",
                  s3.uri(prefix),
                  "--latest",
                  "--out",
                  out.toString(),
                  "--json"));
      s3.hadoopConf().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
      StringWriter json = new StringWriter();
      picocli.CommandLine cl = Rewind.commandLine();
      cl.setOut(new PrintWriter(json));
      if (cl.execute(args.toArray(String[]::new)) != 0) {
        throw new IllegalStateException("the restore of " + prefix + " failed");
      }
      JsonNode requests = Json.MAPPER.readTree(json.toString()).get(StoreRequestsField.NAME);
      long total = 0;
      for (JsonNode n : requests) {
        total += n.asLong();
      }
      return total;
    } finally {
      try (Stream<Path> files = Files.walk(out)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * Steady archiving at the level-0 pattern for a few simulated minutes, with a compactor pass
   * every compaction.interval.ms (the clock simulated), then the top level's merge an hour later:
   * the requests per hour of the archivers (one roll's requests, measured through S3A, times the
   * rolls of an hour) and of the compactor (its passes' requests scaled to an hour). Requests
   * depend on the objects, not on the edits in them, so the segments here hold few edits.
   */
  private Map<String, Object> steady(S3ProxyServer s3, KafkaClients clients) throws Exception {
    String prefix = "steady";
    Path local = s3.bucketDir().resolve(prefix);
    long first = Math.floorDiv(System.currentTimeMillis() - 3 * HOUR, HOUR) * HOUR;
    CompactionSettings settings = new CompactionSettings(RewindConfig.of(Map.of()));
    Map<String, Object> steady = new LinkedHashMap<>();
    try (ObjectStore direct = ObjectStore.open(local.toUri().toString(), Map.of());
        ObjectStore archiving = ObjectStore.open(s3.uri(prefix + "-rolls"), s3.hadoopConf());
        ObjectStore compacting = ObjectStore.open(s3.uri(prefix), s3.hadoopConf())) {
      HistoryArchive.Shape shape =
          new HistoryArchive.Shape(
              partitions, steadyMinutes * MINUTE, 100L * partitions, rollMs, first, 1_000, 5);
      // One roll period of every partition through S3A: what one roll costs an archiver.
      HistoryArchive throughS3 = new HistoryArchive(archiving, clients.serdes(), shape);
      long rolls = throughS3.writeUntil(first + rollMs);
      StoreRequests perRoll = archiving.requests();
      HistoryArchive archive = new HistoryArchive(direct, clients.serdes(), shape);
      AtomicLong clock = new AtomicLong(first);
      Compactor compactor = new Compactor(compacting, settings, "bench", clock::get);
      int passes = 0;
      for (long t = first + settings.intervalMs();
          t <= first + shape.durationMs();
          t += settings.intervalMs()) {
        archive.writeUntil(t);
        tagForS3Proxy(local);
        clock.set(t + 100);
        compactor.pass();
        passes++;
      }
      // The last minutes' merges, once they have settled.
      clock.set(first + shape.durationMs() + settings.settleMs() + 1);
      compactor.pass();
      StoreRequests indexing = compacting.requests();
      clock.set(first + HOUR + settings.settleMs() + settings.graceMs() + 1);
      Compactor.Report top = compactor.pass();
      StoreRequests topLevel = compacting.requests().minus(indexing);
      double hours = shape.durationMs() / (double) HOUR;
      long rollsPerHour = Math.round(partitions * 3_600_000.0 / rollMs);
      steady.put("minutes", steadyMinutes);
      steady.put("compactor_passes", passes);
      steady.put("roll_requests", perRoll.total() / (double) rolls);
      steady.put("archiver_requests_per_hour", scaled(perRoll, rollsPerHour / (double) rolls));
      // The hour's merge reads every minute's segment of it: scaled from the minutes simulated to
      // 60.
      steady.put(
          "compactor_requests_per_hour",
          scaled(indexing, 1 / hours).plus(scaled(topLevel, 60.0 / steadyMinutes)));
      steady.put("top_level_segments_merged", top.segmentsMerged);
    }
    return steady;
  }

  private static StoreRequests scaled(StoreRequests r, double factor) {
    return new StoreRequests(
        Math.round(r.get() * factor),
        Math.round(r.put() * factor),
        Math.round(r.list() * factor),
        Math.round(r.head() * factor),
        Math.round(r.delete() * factor),
        Math.round(r.copy() * factor));
  }

  private static void put(Map<String, Object> size, String name, HistoryCosts.Cost cost) {
    size.put(name + "_ms", cost.ms());
    size.put(name + "_requests", cost.requests().total());
  }

  /**
   * Restores the store at {@code prefix} to its checkpoint into cell dumps in a child JVM, and
   * records its speed and peak RSS.
   */
  private JsonNode restoreInChild(
      S3ProxyServer s3,
      Path dir,
      String prefix,
      String heap,
      Map<String, String> settings,
      Map<String, Object> report,
      String name)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-Xmx" + heap,
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Rewind.class.getName(),
                "restore",
                "--store",
                s3.uri(prefix),
                "--latest",
                "--out",
                dir.resolve("restored-" + name).toString(),
                "--spill-dir",
                dir.resolve("spill-" + name).toString(),
                "--json"));
    s3.hadoopConf().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    Path log = dir.resolve("restore-" + name + ".log");
    Path out = dir.resolve("restore-" + name + ".json");
    ProcessBuilder pb =
        new ProcessBuilder(ChildProcess.javaCommand(args))
            .redirectError(log.toFile())
            .redirectOutput(out.toFile());
    Process process = pb.start();
    long peakKb = 0;
    try {
      while (process.isAlive()) {
        peakKb = Math.max(peakKb, peakResidentKb(process.pid()));
        Thread.sleep(200);
      }
    } finally {
      process.destroyForcibly();
    }
    if (process.waitFor() != 0) {
      throw new IllegalStateException(
          "the " + name + " restore failed (exit " + process.exitValue() + "); see " + log);
    }
    JsonNode restored = Json.MAPPER.readTree(out.toFile());
    long edits = restored.get("editsApplied").asLong();
    double seconds = restored.get("durationMs").asLong() / 1000.0;
    report.put(name + "_edits", edits);
    report.put(name + "_edits_per_sec", Math.round(edits / seconds));
    report.put(name + "_peak_rss_mb", peakKb / 1024);
    report.put(name + "_sort_runs_spilled", restored.path("sortRunsSpilled").asLong(0));
    return restored;
  }

  /** VmHWM, the peak resident set of a live process, in KiB (0 once it is gone). */
  private static long peakResidentKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /**
   * Gives every file written straight into the server's bucket directory the MD5 that S3Proxy keeps
   * as an extended attribute when it stores an object itself: its ETag, which S3A's change
   * detection requires.
   */
  private static void tagForS3Proxy(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        UserDefinedFileAttributeView view =
            Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        if (view.list().contains("user.content-md5")) {
          continue;
        }
        MessageDigest md5;
        try {
          md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("MD5 is required by every JRE", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), md5)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
        // Named as S3Proxy names it, through a view that adds the "user." namespace itself.
        view.write("user.content-md5", ByteBuffer.wrap(md5.digest()));
        view.write(
            "user.content-type",
            ByteBuffer.wrap("application/octet-stream".getBytes(StandardCharsets.US_ASCII)));
      }
    }
  }

  private static long objects(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static long segmentObjects(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                String s = dir.relativize(f).toString();
                return s.startsWith("segments/") || s.startsWith("manifests/");
              })
          .count();
    }
  }

  private static long megabytes(String heap) {
    String h = heap.toLowerCase(Locale.ROOT);
    long n = Long.parseLong(h.replaceAll("[^0-9]", ""));
    return h.endsWith("g")
        ? n * 1024
        : h.endsWith("k") ? n / 1024 : h.endsWith("m") ? n : n / (1 << 20);
  }

  private static Object ratio(Object a, Object b) {
    double x = ((Number) a).doubleValue();
    double y = ((Number) b).doubleValue();
    return y == 0 ? null : Math.round(x / y * 1000) / 1000.0;
  }
}
