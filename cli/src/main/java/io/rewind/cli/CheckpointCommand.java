package io.rewind.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rewind checkpoint}: the Kafka Streams app that computes and publishes the checkpoint, with
 * its HTTP endpoint (checkpoint.http.port, default a free port on 127.0.0.1): the status page,
 * /checkpoint, /queues and /metrics.
 */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    description =
        "Compute the replication checkpoint from progress claims, gated on what is archived, and serve the status page (runs until stopped).")
final class CheckpointCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    LongRunning.Stop stop = LongRunning.onSignal(false);
    try (CheckpointWithStatusPage checkpoint = new CheckpointWithStatusPage(connection.config())) {
      checkpoint.start();
      checkpoint
          .statusUrl()
          .ifPresent(url -> System.err.println("checkpoint app: status page on " + url));
      stop.await();
    }
    return 0;
  }
}
