package io.rewind.monitoring;

import java.util.List;

/**
 * One Rewind topic as the brokers report it.
 *
 * @param retentionMs the topic's retention.ms, -1 for unlimited, null when unknown
 * @param sizeBytes bytes on disk, summed over every replica (describeLogDirs)
 * @param records records between the log start and end offsets, summed over partitions
 */
public record TopicStatus(
    String name,
    boolean exists,
    int partitionCount,
    Long retentionMs,
    long sizeBytes,
    long records,
    List<Partition> partitions) {

  /**
   * One partition: its log start and end offsets (end: the last stable offset) and size on disk.
   */
  public record Partition(int partition, long startOffset, long endOffset, long sizeBytes) {}

  static TopicStatus missing(String name) {
    return new TopicStatus(name, false, 0, null, 0, 0, List.of());
  }
}
