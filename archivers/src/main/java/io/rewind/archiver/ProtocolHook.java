package io.rewind.archiver;

import java.io.PrintStream;

/**
 * Test-only: called when the archiver reaches a {@link ProtocolPoint}. The default does nothing.
 * Setting the system property {@value #PAUSE_AT} to a point's label makes the archiver print {@code
 * rewind-test: paused at <label> p=<partition>} on stderr the first time it reaches that point and
 * wait there until the process is killed: crash tests SIGKILL it at exactly that window. In-process
 * tests install their own hook with {@link Archiver#protocolHook}.
 */
@FunctionalInterface
interface ProtocolHook {

  String PAUSE_AT = "rewind.archiver.test.pause-at";

  ProtocolHook NONE = (point, partition) -> {};

  void reached(ProtocolPoint point, int partition) throws InterruptedException;

  /** The hook the system property asks for, or {@link #NONE}. */
  static ProtocolHook fromSystemProperties() {
    String label = System.getProperty(PAUSE_AT);
    if (label == null || label.isBlank()) {
      return NONE;
    }
    ProtocolPoint target = ProtocolPoint.ofLabel(label);
    PrintStream err = System.err;
    return (point, partition) -> {
      if (point == target) {
        TestPause.forever(err, point.label(), partition);
      }
    };
  }
}
