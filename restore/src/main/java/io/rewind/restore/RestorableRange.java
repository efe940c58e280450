package io.rewind.restore;

import io.rewind.client.time.TimeParser;

/**
 * The times a restore can reach, both inclusive: from the earliest restorable point (the oldest
 * base of a table restored from bases, else the first archived edit: a table's data older than the
 * stream is covered only by a base) to the checkpoint C.
 */
public final class RestorableRange {

  private final long earliest;
  private final long checkpoint;

  /** Why the range starts where it does, for the refusal. */
  private final String earliestReason;

  public RestorableRange(long earliest, long checkpoint) {
    this(
        earliest,
        checkpoint,
        "it is before the first archived edit, and data older than the backup stream is not covered");
  }

  public RestorableRange(long earliest, long checkpoint, String earliestReason) {
    this.earliest = earliest;
    this.checkpoint = checkpoint;
    this.earliestReason = earliestReason;
  }

  public long earliest() {
    return earliest;
  }

  public long checkpoint() {
    return checkpoint;
  }

  public boolean contains(long t) {
    return t >= earliest && t <= checkpoint;
  }

  /** Refuses a time outside the range, naming both bounds and what to do. */
  public void check(long t) {
    if (t > checkpoint) {
      throw new RestoreRefusedException(
          "requested "
              + TimeParser.format(t)
              + " is outside the restorable range "
              + TimeParser.format(earliest)
              + " … "
              + TimeParser.format(checkpoint)
              + ": it is after the checkpoint "
              + TimeParser.format(checkpoint)
              + ", so edits up to it are not proven archived. Choose a time at or before the checkpoint (--latest),"
              + " or wait for the checkpoint to advance (rewind status).");
    }
    if (t < earliest) {
      throw new RestoreRefusedException(
          "requested "
              + TimeParser.format(t)
              + " is outside the restorable range "
              + TimeParser.format(earliest)
              + " … "
              + TimeParser.format(checkpoint)
              + ": "
              + earliestReason
              + ". Choose a time at or after "
              + TimeParser.format(earliest)
              + ".");
    }
  }

  @Override
  public String toString() {
    return TimeParser.format(earliest) + " … " + TimeParser.format(checkpoint);
  }
}
