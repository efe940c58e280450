package io.rewind.monitoring;

import java.util.List;

/**
 * How far the archive trails the edits topic, measured against the topic's retention: a record not
 * archived before it expires is lost to the backup.
 *
 * @param retentionMs retention.ms of the edits topic, -1 unlimited, null unknown
 * @param unarchivedRecords records above the archived frontier, over every partition
 * @param oldestUnarchivedAgeMs the age of the oldest unarchived record (its write time to now), 0
 *     when none
 * @param retentionUsed that age over retention.ms (0 with unlimited retention)
 */
public record ArchiveLag(
    Long retentionMs,
    long unarchivedRecords,
    long oldestUnarchivedAgeMs,
    double retentionUsed,
    List<Partition> partitions) {

  /**
   * One partition of the edits topic.
   *
   * @param archivedEnd the end of the contiguous chain of committed segments, -1 when nothing is
   *     archived
   * @param oldestUnarchivedTime the timestamp of the first unarchived record, null when everything
   *     is archived
   * @param dataLoss true when the log start is above the archived end: records expired unarchived
   */
  public record Partition(
      int partition,
      long logStartOffset,
      long endOffset,
      long archivedEnd,
      long unarchivedRecords,
      Long oldestUnarchivedTime,
      long oldestUnarchivedAgeMs,
      double retentionUsed,
      boolean dataLoss) {}
}
