package io.rewind.archiver;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/**
 * The archive of a partition reaches beyond the end of its log: the topic was deleted and
 * recreated, or an unclean leader election truncated it. New records would reuse archived offsets,
 * so archiving stops for that partition.
 */
public final class LogTruncationException extends RewindException {
  private static final long serialVersionUID = 1L;

  public LogTruncationException(String topic, int partition, long archivedEnd, long logEnd) {
    super(
        Kind.DATA_LOSS,
        "log truncation on "
            + topic
            + "-"
            + partition
            + ": the archive ends at offset "
            + archivedEnd
            + " but the log ends at "
            + logEnd
            + " (the topic was recreated or lost records in an unclean"
            + " leader election). Archiving of this partition is stopped; point the archivers at a new"
            + " store (or topic.prefix) for a new backup, keeping this store for restores");
  }
}
