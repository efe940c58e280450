package io.rewind.cli;

import java.util.concurrent.CountDownLatch;

/** Blocks a long-running subcommand until SIGTERM/SIGINT, then lets try-with-resources close it. */
final class LongRunning {
  private LongRunning() {}

  static void awaitShutdown() throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        main.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "rewind-shutdown"));
    stop.await();
  }
}
