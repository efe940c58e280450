package io.rewind.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running subcommand stops on SIGTERM/SIGINT: a shutdown hook, registered when the
 * command starts so that a signal at any moment is seen, requests the stop, then holds the JVM
 * until the command has returned (its resources closed), at most {@link #GRACE_SECONDS}. The hook
 * waits for the command, not for the main thread: main returns from the command into {@code
 * System.exit}, which itself waits for the hooks.
 */
public final class LongRunning {

  static final long GRACE_SECONDS = 30;

  private static final CountDownLatch RETURNED = new CountDownLatch(1);

  private LongRunning() {}

  /**
   * A stop requested by a signal; a latch, so that a request is never lost as an interrupt can be.
   */
  static final class Stop {
    private final CountDownLatch requested = new CountDownLatch(1);

    boolean requested() {
      return requested.getCount() == 0;
    }

    /** Blocks until the stop is requested. */
    void await() throws InterruptedException {
      requested.await();
    }

    /** Waits up to {@code millis} (a pause between passes); true when the stop was requested. */
    boolean awaitFor(long millis) throws InterruptedException {
      return requested.await(millis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Registers the hook for the command running on this thread.
   *
   * @param interrupt whether a signal also interrupts this thread (a command whose work blocks,
   *     like a compaction pass, and stops on {@link InterruptedException})
   */
  static Stop onSignal(boolean interrupt) {
    Stop stop = new Stop();
    Thread command = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.requested.countDown();
                  if (interrupt) {
                    command.interrupt();
                  }
                  try {
                    RETURNED.await(GRACE_SECONDS, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "rewind-shutdown"));
    return stop;
  }

  /**
   * Blocks until SIGTERM/SIGINT (for a command already running its work), then returns so that
   * try-with-resources closes it.
   */
  public static void awaitShutdown() throws InterruptedException {
    onSignal(false).await();
  }

  /** Called by {@link Rewind#main} once the command returned: the JVM may exit. */
  static void commandReturned() {
    RETURNED.countDown();
  }
}
