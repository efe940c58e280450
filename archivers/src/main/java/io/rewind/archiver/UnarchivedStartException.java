package io.rewind.archiver;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/**
 * The store holds nothing of a partition whose log no longer starts at offset 0, or whose group has
 * already committed offsets: the offsets below were never archived to this store. Either they were
 * lost (retention ran before any archiver did, or the store was emptied) or the archivers point at
 * another store than before. Archiving stops for that partition until an operator decides.
 */
public final class UnarchivedStartException extends RewindException {
  private static final long serialVersionUID = 1L;

  public UnarchivedStartException(String topic, int partition, long logStart, Long committed) {
    super(
        Kind.DATA_LOSS,
        "the store holds nothing of "
            + topic
            + "-"
            + partition
            + ", but the log starts at offset "
            + logStart
            + (committed == null ? "" : " and the archiver group has committed offset " + committed)
            + ": offsets below were never archived to this store. If the archivers used another store until now,"
            + " point store.uri back at it. If retention or an emptied store lost them, and also if this is"
            + " deliberately a new store for an existing topic, set "
            + ArchiverSettings.NEW_STORE_START
            + "=log-start"
            + " to archive from the log start (restores then begin at its write time). Archiving of this partition is stopped");
  }
}
