package io.rewind.tools;

import io.rewind.archiver.Archiver;
import io.rewind.cli.CheckpointWithStatusPage;
import io.rewind.cli.DemoConnectionFile;
import io.rewind.cli.DurationConverter;
import io.rewind.cli.LongRunning;
import io.rewind.cli.RestoreCommand;
import io.rewind.cli.RunOptions;
import io.rewind.cli.ScratchDir;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.producer.EditPublisher;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind demo}: the whole pipeline on real parts in one process. Starts a KRaft broker, an
 * object store and (by default) an HBase mini cluster with Rewind's replication endpoint as a peer,
 * runs a workload through the HBase client ({@link HBaseDemo}: restores go into HBase tables and
 * are verified against HBase's own snapshots) or, with {@code --source simulator}, a simulated
 * fleet (restores to cell dumps, verified against the simulator's expected-state model), with the
 * archiver and the checkpoint app running.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start the embedded stack, back up an HBase workload (or a simulated fleet), restore to several times and verify each restore.")
final class DemoCommand implements Callable<Integer> {

  /** Where the demo's writes come from. */
  enum Source {
    hbase,
    simulator
  }

  @Option(
      names = "--source",
      description =
          "hbase: a workload through the HBase client into an HBase mini cluster (restores verified"
              + " against HBase's own snapshots); simulator: a simulated fleet (verified against its model). Default: ${DEFAULT-VALUE}.")
  Source source = Source.hbase;

  @Option(
      names = "--servers",
      description =
          "Simulated region servers, with --source simulator (default: ${DEFAULT-VALUE}).")
  int servers = 20;

  @Option(
      names = "--duration",
      description = "Workload duration, e.g. 30s, 2m (default: 30s simulated, 20s HBase).",
      converter = DurationConverter.class)
  Duration duration;

  @Option(
      names = "--rate",
      description =
          "Edits per second across the simulated fleet (default: ${DEFAULT-VALUE}); HBase writes as fast as it acknowledges.")
  int rate = 2_000;

  @Option(
      names = "--restores",
      description = "Random restore times to verify (default: ${DEFAULT-VALUE}).")
  int restores = 5;

  @Option(
      names = "--seed",
      description = "Seed of the workload and of the restore times (default: random).")
  Long seed;

  @Option(
      names = "--partitions",
      description = "Partitions of the edits topic (default: ${DEFAULT-VALUE}).")
  int partitions = 12;

  @Option(
      names = "--s3",
      description =
          "Keep the object store in a bucket of S3Proxy (a real S3 API on 127.0.0.1, reached through S3A) instead of a local directory.")
  boolean s3;

  @Option(
      names = "--secure",
      description =
          "Kafka over SASL_SSL with SCRAM (certificates made at start), one user per role holding only its"
              + " ACLs (StandardAuthorizer), and every segment and base file encrypted with a key ring made at start; then rewind verify checks the store.")
  boolean secure;

  @Option(
      names = "--restore-engine",
      paramLabel = "ENGINE",
      description =
          "Where the HBase demo's restores run: local (default) or mapreduce (one MapReduce job each, on a mini YARN cluster"
              + " the demo starts beside HBase).")
  RestoreCommand.Engine restoreEngine = RestoreCommand.Engine.local;

  @Option(
      names = "--keep-running",
      description =
          "After the restores, keep the stack, the fleet's heartbeats and the status page running until Ctrl-C.")
  boolean keepRunning;

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // stdout holds the demo's output alone (with --json, its report): the embedded parts write to
    // System.out (HBase's mini cluster prints thread dumps while it stops), so it goes to stderr.
    PrintWriter out = spec.commandLine().getOut();
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      return demo(out);
    } finally {
      System.setOut(stdout);
    }
  }

  private int demo(PrintWriter out) throws Exception {
    long demoSeed = seed != null ? seed : System.nanoTime();
    Narrator say = new Narrator(run.json ? new PrintWriter(System.err, true) : out);
    ScratchDir scratch = run.start("rewind-demo-");
    Path dir = scratch.path();
    if (restoreEngine == RestoreCommand.Engine.mapreduce && source != Source.hbase) {
      throw new RewindException(
          Kind.REFUSED,
          "--restore-engine mapreduce restores into HBase tables, which only the HBase demo has: drop"
              + " --source simulator");
    }
    DemoReport report = new DemoReport();
    report.restoreEngine = restoreEngine.name();
    report.source = source.name();
    if (duration == null) {
      duration = source == Source.hbase ? Duration.ofSeconds(20) : Duration.ofSeconds(30);
    }
    report.seed = demoSeed;
    report.servers = servers;
    report.durationSeconds = duration.toSeconds();
    report.targetEditsPerSecond = rate;
    report.partitions = partitions;
    report.workDir = scratch.temporary() ? null : dir.toString();
    long started = System.currentTimeMillis();

    say.line(
        "starting the embedded stack: KRaft broker on 127.0.0.1, object store "
            + (s3
                ? "in an S3Proxy bucket (S3 API on 127.0.0.1, through S3A), data under "
                : "under ")
            + dir);
    if (source == Source.hbase) {
      say.line(
          "  and an HBase mini cluster (2 region servers, ~20 s to start) with Rewind's replication endpoint as a peer");
    }
    Files.createDirectories(dir);
    Path keyRing = secure ? DemoRoles.makeKeyRing(dir) : null;
    EmbeddedStack.Builder builder =
        EmbeddedStack.builder()
            .workDir(dir.resolve("stack"))
            .editsPartitions(partitions)
            .withS3(s3)
            .withHBase(source == Source.hbase)
            .secure(secure);
    if (keyRing != null) {
      builder.peerSetting(KeyRing.KEYRING_FILE, keyRing.toString());
    }
    try (EmbeddedStack stack = builder.start()) {
      DemoRoles roles = DemoRoles.of(stack, keyRing);
      RewindConfig config = roles.status();
      report.bootstrapServers = stack.bootstrapServers();
      report.storeUri = stack.storeUri();
      report.store = s3 ? "s3" : "local";
      report.security = roles.report();
      say.line(
          "  broker "
              + stack.bootstrapServers()
              + ", store "
              + stack.storeUri()
              + ", topics created");
      if (secure) {
        say.line(
            "  Kafka over SASL_SSL (SCRAM-SHA-512, certificates made at start), one user per role with only its ACLs; segments and"
                + " base files encrypted with the key ring "
                + roles.keyRingFile());
      }
      try (CheckpointWithStatusPage checkpoint =
              new CheckpointWithStatusPage(roles.checkpoint(), roles.status());
          Archiver archiver = new Archiver(roles.archiver(), "demo-archiver-1");
          EditPublisher publisher = new EditPublisher(roles.endpoint(), "demo-fleet");
          ObjectStore store = ObjectStore.open(config);
          DemoCompactor compactor = new DemoCompactor(roles.restore())) {
        checkpoint.start();
        archiver.start();
        say.line(
            "  compactor merging segments by 5 s and by minute (rewind compact; 1 min and 1 h outside the demo), restores read"
                + " through its index");
        Path connectionFile = DemoConnectionFile.write(config, checkpoint.statusUrl().orElse(null));
        say.line(
            "  status page "
                + checkpoint.statusUrl().orElse("off")
                + " (rewind status and the other subcommands use this demo"
                + " while it runs: "
                + connectionFile
                + ")");
        if (source == Source.hbase) {
          try {
            new HBaseDemo(stack.hbase().orElseThrow(), store, config, say)
                .onMapReduce(
                    restoreEngine == RestoreCommand.Engine.mapreduce ? dir.resolve("yarn") : null)
                .run(duration, restores, demoSeed, report);
            if (keepRunning) {
              say.line(
                  String.format(
                      "%d of %d restores verified; still running: HBase (ZooKeeper %s), status page %s; Ctrl-C to stop",
                      report.restores.stream().filter(r -> r.verified).count(),
                      restores,
                      stack.hbase().orElseThrow().zookeeperQuorum(),
                      checkpoint.statusUrl().orElse("off")));
              LongRunning.awaitShutdown();
            }
          } finally {
            DemoConnectionFile.deleteIfOurs(connectionFile);
          }
        } else {
          SimulatorSettings settings =
              SimulatorSettings.defaults()
                  .servers(servers)
                  .editsPerSecond(rate)
                  .duration(duration)
                  .seed(demoSeed);
          try (FleetSimulator fleet = new FleetSimulator(settings, publisher, Clock.systemUTC())) {
            say.line(
                String.format(
                    "simulating %d region servers at %,d edits/s for %ds (seed %d); archiver and checkpoint app running",
                    servers, rate, duration.toSeconds(), demoSeed));
            fleet.start();
            while (!fleet.awaitWorkloadDone(Duration.ofSeconds(5))) {
              say.line(
                  String.format(
                      "  %,d edits published; checkpoint %s",
                      fleet.editsPublished(), checkpointText(store)));
            }
            var expected = fleet.expected();
            report.editsWritten = expected.editCount();
            report.editsPublished = fleet.editsPublished();
            report.tables = expected.tables().size();
            say.line(
                String.format(
                    "workload done: %,d edits written over %d tables (%,d records published, re-shipments included)",
                    expected.editCount(), expected.tables().size(), fleet.editsPublished()));

            long checkpointTime =
                awaitCheckpoint(store, expected.lastWriteTime(), Duration.ofSeconds(60), say);
            report.checkpoint = checkpointTime;
            report.checkpointIso = TimeParser.format(checkpointTime);
            report.rpoAtEndMs = Math.max(0, expected.lastWriteTime() - checkpointTime);
            new DemoVerifier(store, config, dir.resolve("restores"), expected, say)
                .verify(restores, demoSeed, checkpointTime, report);
            if (keepRunning) {
              say.line(
                  String.format(
                      "%d of %d restores verified; still running: status page %s, `rewind status` in another shell;"
                          + " Ctrl-C to stop",
                      report.restores.stream().filter(r -> r.verified).count(),
                      restores,
                      checkpoint.statusUrl().orElse("off")));
              LongRunning.awaitShutdown();
            }
          } finally {
            DemoConnectionFile.deleteIfOurs(connectionFile);
          }
        }
        report.compaction = compactor.summary();
        report.storeVerify = DemoStoreCheck.verify(store, config, say);
        report.storeRequests =
            archiver
                .storeRequests()
                .plus(checkpoint.app().storeRequests())
                .plus(store.requests())
                .plus(compactor.storeRequests());
      }
    } finally {
      report.durationMs = System.currentTimeMillis() - started;
      scratch.close();
    }
    report.verified =
        report.restores.size() == restores
            && report.restores.stream().allMatch(r -> r.verified)
            && (report.storeVerify == null || report.storeVerify.ok);
    if (run.json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      say.line(
          report.verified
              ? String.format(
                  "OK: %d of %d restores verified cell for cell in %.1f s",
                  report.restores.size(), restores, report.durationMs / 1000.0)
              : "FAILED: not every restore matched the expected state (see above)");
    }
    out.flush();
    return report.verified ? 0 : 1;
  }

  private static String checkpointText(ObjectStore store) {
    try {
      Optional<CheckpointFile.Stored> c = CheckpointFile.read(store);
      return c.map(s -> s.timeIso + " (RPO " + (System.currentTimeMillis() - s.time) + " ms)")
          .orElse("not yet published");
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
  }

  /** Waits until the checkpoint covers the last edit written, or the timeout; returns C. */
  private static long awaitCheckpoint(
      ObjectStore store, long lastWriteTime, Duration timeout, Narrator say) throws Exception {
    long c = CheckpointFile.awaitAtOrAfter(store, lastWriteTime, timeout);
    if (c >= lastWriteTime) {
      say.line(
          "checkpoint "
              + TimeParser.format(c)
              + " covers the last edit ("
              + TimeParser.format(lastWriteTime)
              + ")");
      return c;
    }
    if (c == Long.MIN_VALUE) {
      throw new IllegalStateException(
          "no checkpoint was published within "
              + timeout.toSeconds()
              + " s: is the checkpoint app running?");
    }
    say.line(
        "checkpoint "
            + TimeParser.format(c)
            + " did not reach the last edit within "
            + timeout.toSeconds()
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
