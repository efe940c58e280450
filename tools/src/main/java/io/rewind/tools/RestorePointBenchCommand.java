package io.rewind.tools;

import io.rewind.archiver.Archiver;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.cli.DurationConverter;
import io.rewind.cli.RestorePointCreator;
import io.rewind.cli.RunOptions;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.ObjectStore;
import io.rewind.producer.EditPublisher;
import io.rewind.producer.PointRequests;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench restore-point}: time from a restore point's request to its commit in the
 * store, under the RPO bench's load (a simulated fleet of 100 servers at 50,000 edits/s into the
 * embedded stack, the archiver and the checkpoint app in this JVM). The floor is the margin: a
 * queue can claim every edit written at or before T only once its clock passed T plus the margin.
 * Goal: p99 at most the margin plus 300 ms. Beside it, the baseline: how long the checkpoint takes
 * to pass a time nobody announced.
 */
@Command(
    name = "restore-point",
    mixinStandardHelpOptions = true,
    description =
        "Restore-point latency (request to committed point) under the RPO bench's load, against checkpoint.margin.ms + 300 ms.")
final class RestorePointBenchCommand implements Callable<Integer> {

  static final long GOAL_OVER_MARGIN_MS = 300;

  private static final long BASELINE_TIMEOUT_MS = 60_000;

  @Option(
      names = "--points",
      description = "Restore points created, one after the other (default: ${DEFAULT-VALUE}).")
  int points = 30;

  @Option(
      names = "--interval",
      converter = DurationConverter.class,
      description =
          "Pause between one point's commit and the next request (default: ${DEFAULT-VALUE}).")
  Duration interval = Duration.ofSeconds(1);

  @Mixin FleetLoadOptions load;

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter say = new PrintWriter(System.err, true);
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-restore-point-",
        (dir, report) -> {
          try (EmbeddedStack stack = load.startStack(dir)) {
            report.putAll(run(load.config(stack), say));
          }
        },
        r ->
            String.format(
                "%s restore points with %s servers at %,d edits/s: p50 %s ms, p99 %s ms, max %s ms; goal p99 <= margin %s + %d ms: %s",
                r.get("points"),
                r.get("servers"),
                load.rate,
                r.get("p50_ms"),
                r.get("p99_ms"),
                r.get("max_ms"),
                r.get("margin_ms"),
                GOAL_OVER_MARGIN_MS,
                r.get("goal_met")));
  }

  /**
   * How long the checkpoint file takes to show a time at or after {@code t}, read as often as a
   * requester reads it.
   */
  private static long untilCheckpointPasses(ObjectStore store, long t)
      throws IOException, InterruptedException {
    long deadline = t + BASELINE_TIMEOUT_MS;
    while (CheckpointFile.read(store).map(c -> c.time).orElse(Long.MIN_VALUE) < t) {
      if (System.currentTimeMillis() >= deadline) {
        throw new IOException(
            "the checkpoint did not pass "
                + t
                + " within "
                + BASELINE_TIMEOUT_MS
                + " ms without a restore point:"
                + " the pipeline stalled (run with --verbose and look at the checkpoint app's log)");
      }
      Thread.sleep(RestorePointCreator.CHECKPOINT_POLL_MS);
    }
    return System.currentTimeMillis() - t;
  }

  private Map<String, Object> run(RewindConfig config, PrintWriter say) throws Exception {
    SimulatorSettings workload =
        load.fleet()
            // Long enough for every point, however slow: the fleet stops with the bench.
            .duration(load.warmup.plusMinutes(30));
    LatencySamples latency = new LatencySamples();
    LatencySamples answered = new LatencySamples();
    LatencySamples baseline = new LatencySamples();
    int rolled = 0;
    long editsAtStart;
    long editsAtEnd;
    long measuredMs;
    try (CheckpointApp checkpoint = new CheckpointApp(config);
        Archiver archiver = new Archiver(config, "bench-archiver-1");
        EditPublisher publisher = new EditPublisher(config, "bench-fleet");
        ObjectStore store = ObjectStore.open(config)) {
      checkpoint.start();
      archiver.start();
      RpoBenchCommand.awaitConsumersReady(config, checkpoint, say);
      try (FleetSimulator fleet = new FleetSimulator(workload, publisher, Clock.systemUTC());
          PointRequests requests =
              new PointRequests(
                  config, "bench-fleet-points", r -> fleet.answerPoint(r.getPointTime()));
          RestorePointCreator creator = new RestorePointCreator(config, store)) {
        say.printf(
            "fleet of %d servers at %,d edits/s: %d s warm-up, then %d restore points%n",
            load.servers, load.rate, load.warmup.toSeconds(), points);
        fleet.start();
        Thread.sleep(load.warmup.toMillis());
        editsAtStart = fleet.editsPublished();
        long start = System.currentTimeMillis();
        for (int i = 0; i < points; i++) {
          RestorePointCreator.Result r =
              creator.create("bench-" + start + "-" + i, List.of(), Duration.ofSeconds(60));
          latency.add(r.latencyMs);
          if (r.answeredMs >= 0) {
            answered.add(r.answeredMs);
          }
          rolled += r.rollRequested ? 1 : 0;
          Thread.sleep(interval.toMillis());
          // The baseline, between points: the same wait for a time nobody announced (no claims
          // asked for, no roll).
          long unannounced = untilCheckpointPasses(store, System.currentTimeMillis());
          baseline.add(unannounced);
          if (run.verbose) {
            say.printf(
                "  point %d: %d ms (every queue claimed past it after %d ms); unannounced: %d ms%n",
                i, r.latencyMs, r.answeredMs, unannounced);
          }
          Thread.sleep(interval.toMillis());
        }
        measuredMs = System.currentTimeMillis() - start;
        editsAtEnd = fleet.editsPublished();
      }
    }
    long margin = config.marginMs();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("servers", load.servers);
    r.put("points", latency.size());
    r.put("p50_ms", latency.percentile(50));
    r.put("p99_ms", latency.percentile(99));
    r.put("max_ms", latency.max());
    r.put("margin_ms", margin);
    r.put("goal", "p99_ms <= margin_ms + " + GOAL_OVER_MARGIN_MS);
    r.put("goal_met", latency.size() > 0 && latency.percentile(99) <= margin + GOAL_OVER_MARGIN_MS);
    r.put("baseline_p50_ms", baseline.percentile(50));
    r.put("baseline_p99_ms", baseline.percentile(99));
    r.put(
        "ratio_p50",
        baseline.percentile(50) == 0
            ? null
            : Math.round(100.0 * latency.percentile(50) / baseline.percentile(50)) / 100.0);
    r.put("answered_ms_p50", answered.percentile(50));
    r.put("answered_ms_p99", answered.percentile(99));
    r.put("points_with_roll", rolled);
    r.put("target_edits_per_second", load.rate);
    r.put("edits_per_second", Math.round((editsAtEnd - editsAtStart) * 1000.0 / measuredMs));
    r.put("warmup_s", load.warmup.toSeconds());
    r.put(
        "load_average_1m_at_end",
        Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
            / 100.0);
    Map<String, Object> knobs = new LinkedHashMap<>();
    for (String key :
        List.of(
            RewindConfig.CHECKPOINT_MARGIN_MS,
            RewindConfig.SEGMENT_MAX_AGE_MS,
            RewindConfig.CHECKPOINT_POLL_MS)) {
      knobs.put(key, config.get(key));
    }
    knobs.putAll(load.settings);
    r.put("settings", knobs);
    r.put(
        "note",
        "latency = from the request (T, the requester's clock) to the point committed in the store, after the checkpoint"
            + " file showed C >= T; answered_ms = until every queue of a cluster snapshot read after T + margin had claimed past T (then"
            + " the archivers were asked to roll); baseline = from a time T nobody announced until the checkpoint file showed C >= T,"
            + " measured between the points; ratio_p50 = p50_ms / baseline_p50_ms. Everything shares this JVM and machine.");
    return r;
  }
}
