package io.rewind.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rewind.checkpoint.CheckpointEvent;
import io.rewind.checkpoint.CheckpointResult;
import io.rewind.checkpoint.CheckpointRules;
import io.rewind.cli.DurationConverter;
import io.rewind.testkit.checkpoint.CheckpointWorkload;
import io.rewind.testkit.checkpoint.ReferenceCheckpoint;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench checkpoint}: the per-event update cost of {@link CheckpointRules} against the
 * brute-force {@link ReferenceCheckpoint}, side by side on the same steady-state workload ({@link
 * CheckpointWorkload}) at several fleet sizes. The rules are timed on every event; the reference
 * rescans its whole history on each event, so it is timed on a bounded prefix of the same events
 * (and checked to give the same checkpoints there).
 */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    description =
        "Per-event update cost of the checkpoint rules vs the brute-force reference at 100, 1,000 and 10,000 queues.")
final class CheckpointBenchCommand implements Callable<Integer> {

  static final long GOAL_P99_US = 1_000;
  static final int GOAL_QUEUES = 10_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Option(
      names = "--sizes",
      split = ",",
      description = "Fleet sizes in queues (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes = List.of(100, 1_000, 10_000);

  @Option(
      names = "--events",
      description =
          "Events replayed through the rules per size, at least (default: ${DEFAULT-VALUE}).")
  int events = 300_000;

  @Option(
      names = "--reference-events",
      description =
          "At most this many events replayed through the reference per size (default: ${DEFAULT-VALUE}).")
  int referenceEvents = 20_000;

  @Option(
      names = "--reference-budget",
      converter = DurationConverter.class,
      description =
          "At most this long spent on the reference per size (default: ${DEFAULT-VALUE}).")
  Duration referenceBudget = Duration.ofSeconds(20);

  @Option(names = "--seed", description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--json", description = "Print the results as JSON on stdout.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter say = new PrintWriter(System.err, true);
    say.println("warming up the JIT ...");
    warmUp();
    List<Map<String, Object>> results = new ArrayList<>();
    for (int queues : sizes) {
      say.printf("measuring %,d queues ...%n", queues);
      Map<String, Object> r = measure(queues);
      results.add(r);
      say.printf(
          "  rules p50 %s us, p99 %s us; reference p99 %s us over %,d events%n",
          r.get("update_us_p50"),
          r.get("update_us_p99"),
          r.get("reference_us_p99"),
          Figures.whole(r.get("reference_samples")));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("bench", "checkpoint");
    report.put("goal", "update_us_p99 < " + GOAL_P99_US + " at " + GOAL_QUEUES + " queues");
    Optional<Map<String, Object>> atGoal =
        results.stream().filter(r -> r.get("queues").equals(GOAL_QUEUES)).findFirst();
    report.put(
        "goal_met", atGoal.map(r -> (double) r.get("update_us_p99") < GOAL_P99_US).orElse(null));
    report.put("all_agree", results.stream().allMatch(r -> Boolean.TRUE.equals(r.get("agree"))));
    report.put(
        "note",
        "update_us_*: CheckpointRules alone per event, every event of the workload (markers, snapshots, end-offset"
            + " polls, archive commits); update_with_state_us_p99 adds encoding the changed state entries as the Streams app does."
            + " The reference rescans its whole history per event, so it is timed on the first reference_samples events only"
            + " (bounded by --reference-events and --reference-budget; reference_truncated says whether the bound cut it short);"
            + " update_us_p99_same_events is the rules' p99 on those same events, and agree says both gave the same checkpoints there.");
    report.put("sizes", results);
    boolean agree = (boolean) report.get("all_agree");
    if (json) {
      out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      out.printf(
          "%10s %12s %12s %12s %16s %14s%n",
          "queues", "p50 us", "p99 us", "max us", "reference p99", "ref samples");
      for (Map<String, Object> r : results) {
        out.printf(
            "%,10d %12s %12s %12s %16s %,14d%n",
            Figures.whole(r.get("queues")),
            r.get("update_us_p50"),
            r.get("update_us_p99"),
            r.get("update_us_max"),
            r.get("reference_us_p99"),
            Figures.whole(r.get("reference_samples")));
      }
      out.println(
          "goal: "
              + report.get("goal")
              + " -> "
              + report.get("goal_met")
              + (agree ? "" : "; RULES AND REFERENCE DISAGREE"));
    }
    out.flush();
    return agree ? 0 : 1;
  }

  private void warmUp() {
    // As much as the run itself at most, so that a small run stays small.
    int queues = Math.min(1_000, sizes.stream().mapToInt(Integer::intValue).max().orElse(1_000));
    int ticks = Math.max(10, Math.min(events, 100_000) / queues);
    for (int round = 0; round < 3; round++) {
      CheckpointRules rules = new CheckpointRules();
      for (CheckpointEvent e : CheckpointWorkload.generate(queues, ticks, seed + round)) {
        e.applyTo(rules);
        rules.drainChangedState();
      }
    }
    ReferenceCheckpoint reference = new ReferenceCheckpoint();
    for (CheckpointEvent e : CheckpointWorkload.generate(20, 30, seed)) {
      reference.add(e);
    }
  }

  private Map<String, Object> measure(int queues) {
    int ticks = Math.max(20, (events + queues - 1) / queues);
    List<CheckpointEvent> workload = CheckpointWorkload.generate(queues, ticks, seed);
    int compared = Math.min(referenceEvents, workload.size());
    List<Optional<CheckpointResult>> expected = new ArrayList<>(compared);
    LatencySamples update = new LatencySamples();
    LatencySamples withState = new LatencySamples();
    Map<String, LatencySamples> byKind = new TreeMap<>();
    long[] rulesNanos = new long[compared];
    CheckpointRules rules = new CheckpointRules();
    for (int i = 0; i < workload.size(); i++) {
      CheckpointEvent e = workload.get(i);
      long t0 = System.nanoTime();
      Optional<CheckpointResult> c = e.applyTo(rules);
      long t1 = System.nanoTime();
      rules.drainChangedState();
      long t2 = System.nanoTime();
      update.add(t1 - t0);
      withState.add(t2 - t0);
      byKind.computeIfAbsent(kind(e), k -> new LatencySamples()).add(t1 - t0);
      if (i < compared) {
        expected.add(c);
        rulesNanos[i] = t1 - t0;
      }
    }

    LatencySamples reference = new LatencySamples();
    ReferenceCheckpoint ref = new ReferenceCheckpoint();
    boolean agree = true;
    long deadline = System.nanoTime() + referenceBudget.toNanos();
    int done = 0;
    while (done < compared && System.nanoTime() < deadline) {
      long t0 = System.nanoTime();
      Optional<CheckpointResult> c = ref.add(workload.get(done));
      reference.add(System.nanoTime() - t0);
      agree &= Objects.equals(c, expected.get(done));
      done++;
    }
    LatencySamples rulesOnSameEvents = new LatencySamples();
    for (int i = 0; i < done; i++) {
      rulesOnSameEvents.add(rulesNanos[i]);
    }

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("queues", queues);
    r.put("update_us_p50", micros(update.percentile(50)));
    r.put("update_us_p99", micros(update.percentile(99)));
    r.put("reference_us_p99", micros(reference.percentile(99)));
    r.put("update_us_max", micros(update.max()));
    r.put("update_with_state_us_p99", micros(withState.percentile(99)));
    Map<String, Object> kinds = new LinkedHashMap<>();
    byKind.forEach(
        (kind, samples) ->
            kinds.put(
                kind,
                Map.of(
                    "count",
                    samples.size(),
                    "us_p50",
                    micros(samples.percentile(50)),
                    "us_p99",
                    micros(samples.percentile(99)),
                    "us_max",
                    micros(samples.max()))));
    r.put("by_event", kinds);
    r.put("events", workload.size());
    r.put("reference_us_p50", micros(reference.percentile(50)));
    r.put("reference_samples", done);
    r.put("reference_truncated", done < workload.size());
    r.put("update_us_p99_same_events", micros(rulesOnSameEvents.percentile(99)));
    double rulesP99 = rulesOnSameEvents.percentile(99);
    r.put(
        "reference_p99_ratio",
        rulesP99 == 0 ? null : Math.round(reference.percentile(99) / rulesP99 * 10) / 10.0);
    r.put("agree", agree);
    return r;
  }

  private static String kind(CheckpointEvent e) {
    if (e instanceof CheckpointEvent.Snapshot) {
      return "snapshot";
    } else if (e instanceof CheckpointEvent.Marker) {
      return "marker";
    } else if (e instanceof CheckpointEvent.Poll) {
      return "end_offsets";
    }
    return "archived";
  }

  /** Nanoseconds as microseconds with two decimals. */
  private static double micros(long nanos) {
    return Math.round(nanos / 10.0) / 100.0;
  }
}
