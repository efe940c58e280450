package io.rewind.archiver;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/**
 * Offsets of a partition were deleted by retention before they were archived: the backup has a gap.
 * Archiving stops for that partition so the gap cannot go unnoticed.
 */
public final class DataLossException extends RewindException {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final long archivedEnd;
  private final long logStart;

  public DataLossException(String topic, int partition, long archivedEnd, long logStart) {
    super(
        Kind.DATA_LOSS,
        "data loss on "
            + topic
            + "-"
            + partition
            + ": offsets ["
            + archivedEnd
            + ", "
            + logStart
            + ") expired before they were archived (the archive ends at "
            + archivedEnd
            + ", the log now starts at "
            + logStart
            + "). Archiving of this partition is stopped;"
            + " restores are complete only up to the write times archived before the gap. Raise the"
            + " topic's retention.ms and archiver capacity so archivers keep up, then start a new backup"
            + " of the affected tables");
    this.partition = partition;
    this.archivedEnd = archivedEnd;
    this.logStart = logStart;
  }

  public int partition() {
    return partition;
  }

  /** End of the contiguous archive, exclusive. */
  public long archivedEnd() {
    return archivedEnd;
  }

  public long logStart() {
    return logStart;
  }
}
