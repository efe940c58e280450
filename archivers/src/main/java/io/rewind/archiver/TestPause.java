package io.rewind.archiver;

import java.io.PrintStream;

/**
 * Test-only: holds the calling thread at a named protocol point until the process is killed, after
 * saying so on stderr ({@code rewind-test: paused at <label> p=<partition>}), so that a crash test
 * SIGKILLs a child process at exactly that window.
 */
final class TestPause {

  private TestPause() {}

  static void forever(PrintStream err, String label, int partition) throws InterruptedException {
    err.println("rewind-test: paused at " + label + " p=" + partition);
    err.flush();
    while (true) {
      Thread.sleep(60_000);
    }
  }
}
