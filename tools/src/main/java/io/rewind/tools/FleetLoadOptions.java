package io.rewind.tools;

import io.rewind.cli.DurationConverter;
import io.rewind.client.config.RewindConfig;
import io.rewind.stack.EmbeddedStack;
import io.rewind.testkit.sim.SimulatorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The load {@code bench rpo} and {@code bench restore-point} measure under: a simulated fleet
 * writing at a fixed rate into the embedded stack, with the archiver and the checkpoint app in the
 * same JVM. One set of options, so both benches load the pipeline alike.
 */
final class FleetLoadOptions {

  @Option(
      names = "--rate",
      description = "Edits per second across the fleet (default: ${DEFAULT-VALUE}).")
  int rate = 50_000;

  @Option(
      names = "--servers",
      description = "Simulated region servers (default: ${DEFAULT-VALUE}).")
  int servers = 100;

  /**
   * Long enough for a cold JVM: in the first ~20 s the JIT compiles the broker, clients, archiver
   * and fleet and the heap grows while the fleet already writes at full rate, so the archiver falls
   * behind and drains that backlog only at the headroom left on two cores. With 10 s that start-up
   * backlog was sampled as RPO (p99 26 s in a run whose steady state stayed under 2 s).
   */
  @Option(
      names = "--warmup",
      converter = DurationConverter.class,
      description = "Load before measuring starts (default: ${DEFAULT-VALUE}).")
  Duration warmup = Duration.ofSeconds(30);

  @Option(
      names = "--partitions",
      description = "Partitions of the edits topic (default: ${DEFAULT-VALUE}).")
  int partitions = 12;

  @Option(names = "--seed", description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "A Rewind setting for this run, e.g. --set checkpoint.margin.ms=500.")
  Map<String, String> settings = new LinkedHashMap<>();

  EmbeddedStack startStack(Path dir) throws Exception {
    return EmbeddedStack.builder()
        .workDir(dir.resolve("stack"))
        .editsPartitions(partitions)
        .start();
  }

  RewindConfig config(EmbeddedStack stack) {
    return stack.config().withAll(settings);
  }

  SimulatorSettings fleet() {
    return SimulatorSettings.defaults()
        .servers(servers)
        .editsPerSecond(rate)
        .seed(seed)
        // Nothing here reads the simulator's model of every edit; keeping it costs GC pauses that
        // stall the pipeline.
        .keepExpected(false);
  }
}
