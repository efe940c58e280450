package io.rewind.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rewind.archiver.Archiver;
import io.rewind.archiver.ArchiverMeters;
import io.rewind.client.config.RewindConfig;
import io.rewind.monitoring.MetricsServer;
import io.rewind.monitoring.StatusCollector;
import io.rewind.monitoring.StatusMeters;
import io.rewind.monitoring.StatusSampler;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rewind archive}: one archiver of the consumer group; runs until stopped. */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description =
        "Archive the edits topic into compressed, checksummed segments in the object store (runs until stopped).")
final class ArchiveCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--id",
      description = "This archiver's id, recorded in its manifests (default: host name and pid).")
  String id;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics on http://127.0.0.1:PORT/metrics (0: a free port, logged; -1: off; default ${DEFAULT-VALUE}).")
  int metricsPort = 0;

  @Override
  public Integer call() throws Exception {
    String archiverId =
        id != null
            ? id
            : InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
    RewindConfig config = connection.config();
    LongRunning.Stop stop = LongRunning.onSignal(false);
    try (Archiver archiver = new Archiver(config, archiverId)) {
      archiver.start();
      if (metricsPort < 0) {
        stop.await();
        return 0;
      }
      PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new ArchiverMeters(archiver).bindTo(prometheus);
      try (StatusSampler sampler = new StatusSampler(new StatusCollector(config)).start();
          MetricsServer metrics = MetricsServer.start(metricsPort, prometheus)) {
        new StatusMeters(sampler, config).bindTo(prometheus);
        System.err.println("archiver " + archiverId + ": metrics on " + metrics.url());
        stop.await();
      }
    }
    return 0;
  }
}
