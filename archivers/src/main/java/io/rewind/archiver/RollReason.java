package io.rewind.archiver;

import java.util.Locale;

/**
 * Why the poll loop rolled a segment: each roll costs store requests, so each reason is counted.
 */
public enum RollReason {
  /** The next record would pass segment.max.bytes, or one record alone reached it. */
  SIZE,
  /**
   * The first tick of segment.max.age.ms on the wall clock after the segment opened ({@link
   * RollRule}).
   */
  AGE,
  /** A roll request on the control topic. */
  ROLL_REQUEST,
  /** The group took the partition away: what was read is committed before it goes. */
  REVOCATION,
  /** The archiver is closing. */
  SHUTDOWN,
  /**
   * The consumer's position fell out of the log's range: what was read is committed before
   * resuming.
   */
  OUT_OF_RANGE;

  /** The name in reports and metric tags: size, age, roll_request... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
