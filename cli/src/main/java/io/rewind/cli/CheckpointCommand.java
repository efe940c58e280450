package io.rewind.cli;

import io.rewind.checkpoint.CheckpointApp;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rewind checkpoint}: the Kafka Streams app that computes and publishes the checkpoint. */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    description = "Compute the replication checkpoint from progress claims, gated on what is archived (runs until stopped).")
final class CheckpointCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    try (CheckpointApp app = new CheckpointApp(connection.config())) {
      app.start();
      LongRunning.awaitShutdown();
    }
    return 0;
  }
}
