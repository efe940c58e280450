package io.rewind.tools;

import io.rewind.cli.ConnectionOptions;
import io.rewind.cli.DurationConverter;
import io.rewind.producer.EditPublisher;
import io.rewind.producer.PointRequests;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rewind simulate}: a simulated region-server fleet publishing WAL edits and progress. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description =
        "Run a simulated HBase region-server fleet that publishes edits and progress exactly as the replication endpoint does.")
final class SimulateCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Option(names = "--servers", description = "Region servers (default: ${DEFAULT-VALUE}).")
  int servers = 20;

  @Option(
      names = "--rate",
      description = "Edits per second across the fleet (default: ${DEFAULT-VALUE}).")
  int rate = 2_000;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "How long to write (default: ${DEFAULT-VALUE}).")
  Duration duration = Duration.ofSeconds(30);

  @Option(names = "--seed", description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--linger",
      converter = DurationConverter.class,
      description =
          "Keep publishing progress heartbeats this long after the workload (default: ${DEFAULT-VALUE}).")
  Duration linger = Duration.ofSeconds(5);

  @Override
  public Integer call() throws Exception {
    SimulatorSettings settings =
        SimulatorSettings.defaults()
            .servers(servers)
            .editsPerSecond(rate)
            .duration(duration)
            .seed(seed);
    String name = "simulator-" + ProcessHandle.current().pid();
    try (EditPublisher publisher = new EditPublisher(connection.config(), name);
        FleetSimulator fleet = new FleetSimulator(settings, publisher, Clock.systemUTC());
        PointRequests points =
            new PointRequests(
                connection.config(), name + "-points", r -> fleet.answerPoint(r.getPointTime()))) {
      fleet.start();
      fleet.awaitWorkloadDone(duration.plusMinutes(5));
      Thread.sleep(linger.toMillis());
      System.out.printf("published %,d edit records%n", fleet.editsPublished());
    }
    return 0;
  }
}
