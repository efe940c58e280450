package io.rewind.cli;

import io.rewind.archiver.Archiver;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.core.config.RewindConfig;
import io.rewind.core.store.CheckpointFile;
import io.rewind.core.store.Json;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.time.TimeParser;
import io.rewind.producer.EditPublisher;
import io.rewind.producer.FleetSimulator;
import io.rewind.producer.SimulatorSettings;
import io.rewind.stack.EmbeddedStack;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind demo}: the whole pipeline on real parts in one process. Starts a KRaft broker and a
 * local object store, runs a simulated region-server fleet, the archiver and the checkpoint app,
 * then restores to random times inside the restorable range and verifies each restore against the
 * simulator's independent expected-state model.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Start the embedded stack, back up a simulated fleet, restore to random times and verify each restore.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--servers", description = "Simulated region servers (default: ${DEFAULT-VALUE}).")
  int servers = 20;

  @Option(names = "--duration", description = "Workload duration, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration duration = Duration.ofSeconds(30);

  @Option(names = "--rate", description = "Edits per second across the fleet (default: ${DEFAULT-VALUE}).")
  int rate = 2_000;

  @Option(names = "--restores", description = "Random restore times to verify (default: ${DEFAULT-VALUE}).")
  int restores = 5;

  @Option(names = "--seed", description = "Seed of the workload and of the restore times (default: random).")
  Long seed;

  @Option(names = "--partitions", description = "Partitions of the edits topic (default: ${DEFAULT-VALUE}).")
  int partitions = 12;

  @Option(names = "--work-dir", description = "Keep the broker log, store and restores here (default: a temporary directory, deleted at the end).")
  Path workDir;

  @Option(names = "--json", description = "Print a machine-readable report on stdout.")
  boolean json;

  @Option(names = "--verbose", description = "Log Rewind's own progress lines.")
  boolean verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Logging.quiet(!verbose);
    long demoSeed = seed != null ? seed : System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    Narrator say = new Narrator(json ? new PrintWriter(System.err, true) : out);
    boolean tempDir = workDir == null;
    Path dir = tempDir ? Files.createTempDirectory("rewind-demo-") : Files.createDirectories(workDir);
    DemoReport report = new DemoReport();
    report.source = "simulator";
    report.seed = demoSeed;
    report.servers = servers;
    report.durationSeconds = duration.toSeconds();
    report.targetEditsPerSecond = rate;
    report.partitions = partitions;
    report.workDir = tempDir ? null : dir.toString();
    long started = System.currentTimeMillis();

    say.line("starting the embedded stack: KRaft broker on 127.0.0.1, object store under " + dir);
    try (EmbeddedStack stack = EmbeddedStack.builder().workDir(dir.resolve("stack")).editsPartitions(partitions).start()) {
      RewindConfig config = stack.config();
      report.bootstrapServers = stack.bootstrapServers();
      report.storeUri = stack.storeUri();
      say.line("  broker " + stack.bootstrapServers() + ", store " + stack.storeUri() + ", topics created");
      try (CheckpointApp checkpoint = new CheckpointApp(config);
          Archiver archiver = new Archiver(config, "demo-archiver-1");
          EditPublisher publisher = new EditPublisher(config, "demo-fleet");
          ObjectStore store = ObjectStore.open(config)) {
        checkpoint.start();
        archiver.start();
        SimulatorSettings settings =
            SimulatorSettings.defaults().servers(servers).editsPerSecond(rate).duration(duration).seed(demoSeed);
        try (FleetSimulator fleet = new FleetSimulator(settings, publisher, Clock.systemUTC())) {
          say.line(String.format("simulating %d region servers at %,d edits/s for %ds (seed %d); archiver and checkpoint app running",
              servers, rate, duration.toSeconds(), demoSeed));
          fleet.start();
          while (!fleet.awaitWorkloadDone(Duration.ofSeconds(5))) {
            say.line(String.format("  %,d edits published; checkpoint %s", fleet.editsPublished(), checkpointText(store)));
          }
          var expected = fleet.expected();
          report.editsWritten = expected.editCount();
          report.editsPublished = fleet.editsPublished();
          report.tables = expected.tables().size();
          say.line(String.format("workload done: %,d edits written over %d tables (%,d records published, re-shipments included)",
              expected.editCount(), expected.tables().size(), fleet.editsPublished()));

          long checkpointTime = awaitCheckpoint(store, expected.lastWriteTime(), Duration.ofSeconds(60), say);
          report.checkpoint = checkpointTime;
          report.checkpointIso = TimeParser.format(checkpointTime);
          report.rpoAtEndMs = Math.max(0, expected.lastWriteTime() - checkpointTime);
          new DemoVerifier(store, config, dir.resolve("restores"), expected, say)
              .verify(restores, demoSeed, checkpointTime, report);
        }
      }
    } finally {
      report.durationMs = System.currentTimeMillis() - started;
      if (tempDir) {
        DemoVerifier.deleteRecursively(dir);
      }
    }
    report.verified = report.restores.size() == restores && report.restores.stream().allMatch(r -> r.verified);
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      say.line(report.verified
          ? String.format("OK: %d of %d restores verified cell for cell in %.1f s", report.restores.size(), restores, report.durationMs / 1000.0)
          : "FAILED: not every restore matched the expected state (see above)");
    }
    out.flush();
    return report.verified ? 0 : 1;
  }

  private static String checkpointText(ObjectStore store) {
    try {
      Optional<CheckpointFile.Stored> c = CheckpointFile.read(store);
      return c.map(s -> s.timeIso + " (RPO " + (System.currentTimeMillis() - s.time) + " ms)").orElse("not yet published");
    } catch (java.io.IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
  }

  /** Waits until the checkpoint covers the last edit written, or the timeout; returns C. */
  private static long awaitCheckpoint(ObjectStore store, long lastWriteTime, Duration timeout, Narrator say) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    long c = Long.MIN_VALUE;
    while (System.currentTimeMillis() < deadline) {
      Optional<CheckpointFile.Stored> stored = CheckpointFile.read(store);
      if (stored.isPresent()) {
        c = stored.get().time;
        if (c >= lastWriteTime) {
          say.line("checkpoint " + TimeParser.format(c) + " covers the last edit (" + TimeParser.format(lastWriteTime) + ")");
          return c;
        }
      }
      Thread.sleep(200);
    }
    if (c == Long.MIN_VALUE) {
      throw new IllegalStateException("no checkpoint was published within " + timeout.toSeconds() + " s: is the checkpoint app running?");
    }
    say.line("checkpoint " + TimeParser.format(c) + " did not reach the last edit within " + timeout.toSeconds()
        + " s; restoring inside the range it proves");
    return c;
  }

  /** Progress lines for people. */
  static final class Narrator {
    private final PrintWriter w;

    Narrator(PrintWriter w) {
      this.w = w;
    }

    void line(String s) {
      w.println(s);
      w.flush();
    }
  }
}
