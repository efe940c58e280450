package io.rewind.store.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per partition, the first offset retention keeps ({@code index/floor.json}). Retention writes it
 * before it deletes anything, and readers leave out what lies below it, so a restore never plans a
 * segment retention is deleting, and the compactor, the index's only writer, drops those entries on
 * its next pass. Written with a backup copy, each copy by compare-and-swap, self-checksummed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class RetentionFloor {

  public int formatVersion = IndexHead.FORMAT_VERSION;
  public long writtenAt;

  /**
   * The epoch of the lease (on the stream) retention wrote it under; a writer that reads a higher
   * one has lost its lease.
   */
  public long leaseEpoch;

  /** The retention window's start that set these floors. */
  public Long windowStart;

  public Map<Integer, Long> partitions = new TreeMap<>();

  /** The first kept offset of a partition, or -1 when retention kept all of it. */
  public long of(int partition) {
    Long floor = partitions.get(partition);
    return floor == null ? -1 : floor;
  }
}
