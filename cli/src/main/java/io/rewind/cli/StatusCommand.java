package io.rewind.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rewind.client.store.StoreRequests;
import io.rewind.monitoring.StatusCollector;
import io.rewind.monitoring.StatusJson;
import io.rewind.monitoring.StatusReport;
import io.rewind.monitoring.StatusText;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind status}: topics, consumer groups and their lag, the checkpoint and RPO, the
 * per-queue table, the archive against retention, the newest segments, the restorable range per
 * table, clock skew, and the alerts with what to do. With no connection options it talks to a
 * running demo.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show how far behind each stage is (records and seconds), the checkpoint and RPO, and the alerts with what to do.")
final class StatusCommand implements Callable<Integer> {

  /** Clears the terminal between refreshes of the table. */
  private static final String CLEAR_SCREEN = "\033[H\033[2J";

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--json",
      description = "Print JSON (with --watch: one compact document per line).")
  boolean json;

  @Option(
      names = "--watch",
      arity = "0..1",
      paramLabel = "INTERVAL",
      fallbackValue = "5s",
      converter = DurationConverter.class,
      description = "Refresh every INTERVAL (default 5s) until interrupted.")
  Duration watch;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Logging.quiet(true);
    PrintWriter out = spec.commandLine().getOut();
    try (StatusCollector collector = new StatusCollector(connection.config())) {
      do {
        StoreRequests before = collector.storeRequests();
        StatusReport report = collector.collect();
        if (json) {
          // Each document carries the store requests of its own collection.
          ObjectNode document =
              StoreRequestsField.added(
                  StatusJson.MAPPER, report, collector.storeRequests().minus(before));
          out.println(
              watch == null
                  ? StatusJson.pretty(document)
                  : new String(StatusJson.bytes(document), StandardCharsets.UTF_8));
        } else {
          out.print((watch == null ? "" : CLEAR_SCREEN) + StatusText.render(report));
        }
        out.flush();
        if (watch != null) {
          Thread.sleep(watch.toMillis());
        }
      } while (watch != null);
    }
    return 0;
  }
}
