package io.rewind.monitoring;

/**
 * The committed segments of one partition of the edits topic.
 *
 * @param chainStart first offset of the contiguous chain of committed segments, -1 when none
 * @param chainEnd the contiguous committed frontier (exclusive), -1 when none
 * @param manifests valid manifests of the partition
 * @param newest the newest committed segment (highest start offset), or null
 */
public record PartitionSegments(
    int partition, long chainStart, long chainEnd, int manifests, Segment newest) {

  /** One committed segment, from its manifest. */
  public record Segment(
      long startOffset,
      long endOffset,
      long records,
      long sizeBytes,
      Long maxWriteTime,
      long committedAt,
      String committedAtIso,
      String path,
      String archiver) {}
}
