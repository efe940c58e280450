package io.rewind.checkpoint;

import io.rewind.client.config.RewindConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The checkpoint app alone in a JVM, for tests that kill it: {@code CheckpointAppProcess
 * <settings.properties>}. Runs until killed; a SIGTERM closes it cleanly.
 */
public final class CheckpointAppProcess {

  private CheckpointAppProcess() {}

  public static void main(String[] args) throws InterruptedException {
    RewindConfig config = RewindConfig.load(Path.of(args[0]), Map.of(), Map.of());
    CheckpointApp app = new CheckpointApp(config);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "checkpoint-app-close"));
    app.start();
    Thread.currentThread().join();
  }
}
