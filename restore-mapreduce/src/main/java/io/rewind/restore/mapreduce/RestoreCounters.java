package io.rewind.restore.mapreduce;

/**
 * The job's counters, summed into the restore's report; {@code rewind.restore.cells} counts
 * readable cells per source table.
 */
enum RestoreCounters {
  /**
   * Archived records read by the map tasks (whole segments: every record is read to verify the
   * checksum).
   */
  RECORDS_READ,
  /** Segment bytes read and verified. */
  SEGMENT_BYTES_READ,
  /**
   * Edits kept for the shuffle: the restore's edits before the reducers drop re-shipped duplicates.
   */
  EDITS_KEPT,
  RECORDS_AFTER_TIME,
  INVALID_RECORDS,
  /**
   * Planned segments the compactor merged away meanwhile, read from the segment that merged them.
   */
  SEGMENTS_MERGED_AWAY,
  EDITS_APPLIED,
  DUPLICATES_SKIPPED,
  /** Captured bulk-loaded files read by the map tasks, and their cells. */
  BULK_LOAD_FILES,
  BULK_LOAD_CELLS,
  /** Rows the reducers wrote into HFiles. */
  ROWS_WRITTEN;

  static final String CELLS_GROUP = "rewind.restore.cells";
}
