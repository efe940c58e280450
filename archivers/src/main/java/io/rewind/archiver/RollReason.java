package io.rewind.archiver;

import java.util.Locale;

/** Why the poll loop rolled a segment: each roll costs store requests, so each reason is counted. */
public enum RollReason {
  /** The next record would pass segment.max.bytes, or one record alone reached it. */
  SIZE,
  /** Open for segment.max.age.ms since its first record. */
  AGE,
  /** Holds a record written segment.max.age.ms ago and the partition has caught up with the log. */
  OVERDUE,
  /** A roll request on the control topic. */
  ROLL_REQUEST,
  /** The group took the partition away: what was read is committed before it goes. */
  REVOCATION,
  /** The archiver is closing. */
  SHUTDOWN,
  /** The consumer's position fell out of the log's range: what was read is committed before resuming. */
  OUT_OF_RANGE;

  /** The name in reports and metric tags: size, age, roll_request... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
