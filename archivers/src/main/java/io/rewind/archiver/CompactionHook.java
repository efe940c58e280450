package io.rewind.archiver;

import java.io.PrintStream;

/**
 * Test-only, like {@link ProtocolHook}: the system property {@value #PAUSE_AT} set to a {@link
 * CompactionPoint}'s label holds the compactor at that point until the process is killed.
 */
@FunctionalInterface
interface CompactionHook {

  String PAUSE_AT = "rewind.compactor.test.pause-at";

  CompactionHook NONE = (point, partition) -> {};

  void reached(CompactionPoint point, int partition) throws InterruptedException;

  static CompactionHook fromSystemProperties() {
    String label = System.getProperty(PAUSE_AT);
    if (label == null || label.isBlank()) {
      return NONE;
    }
    CompactionPoint target = CompactionPoint.ofLabel(label);
    PrintStream err = System.err;
    return (point, partition) -> {
      if (point == target) {
        TestPause.forever(err, point.label(), partition);
      }
    };
  }
}
