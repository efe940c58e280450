package io.rewind.monitoring;

import java.util.List;

/**
 * One consumer group of the pipeline.
 *
 * @param role what the group is in the pipeline: {@code archivers} or {@code checkpoint}
 * @param state the group's state as the coordinator reports it (STABLE, EMPTY, ...), or ABSENT
 * @param lagRecords records between the committed offsets and the end offsets, over every partition
 * @param lagSeconds the largest per-partition lag in seconds
 */
public record GroupStatus(
    String groupId,
    String role,
    String state,
    List<Member> members,
    long lagRecords,
    double lagSeconds,
    List<PartitionLag> partitions) {

  /** One member and the partitions it is assigned, as topic-partition names. */
  public record Member(String memberId, String clientId, String host, List<String> assignment) {}

  /**
   * A partition's lag.
   *
   * @param committedOffset the group's committed offset, null when it never committed one
   * @param lagSeconds the timestamp of the record at end-1 minus that of the record at the
   *     committed offset
   */
  public record PartitionLag(
      String topic,
      int partition,
      Long committedOffset,
      long endOffset,
      long lagRecords,
      double lagSeconds) {}

  public int memberCount() {
    return members.size();
  }
}
