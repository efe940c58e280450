package io.rewind.client.base;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The commit record of a captured bulk load: HFiles HBase bulk-loaded into one region, copied into
 * the store by the replication endpoint when the bulk-load marker passed. Written as {@code .json}
 * (self-checksummed) once every file it names is stored; the same shape as {@code .pending.json}
 * before the first copy is the intent that keeps those files from garbage collection. A restore to
 * T at or after {@link #writeTime} replays the files' cells as edits of sequence id {@link
 * #sequenceId}: after the region's edits before the load, before those after it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class BulkLoadManifest {

  public static final int FORMAT_VERSION = 1;

  public int formatVersion = FORMAT_VERSION;

  /** namespace:qualifier. */
  public String table;

  /** Encoded name of the region the files were loaded into. */
  public String region;

  /** The sequence id HBase gave the loaded files (the marker's bulkload_seq_num). */
  public long sequenceId;

  /** The bulk-load marker's WAL write time: the load's place in time. */
  public long writeTime;

  /** The replication queue that shipped the marker: server,port,startcode and WAL group. */
  public String queueServer;

  public String queueWalGroup;

  /**
   * Partitions of the edits topic when the load was captured: a restore routes each row's cells to
   * its row's partition.
   */
  public int editsPartitions;

  /** The loaded files, family set on each (region is the load's). */
  public List<BaseImageFile> files = new ArrayList<>();

  /** When the endpoint started copying (the intent's age) and when it committed. */
  public long startedAt;

  public long committedAt;

  @JsonIgnore
  public long bytes() {
    return files.stream().mapToLong(f -> f.size).sum();
  }

  @Override
  public String toString() {
    return "bulk load into " + table + " region " + region + " (sequence id " + sequenceId + ")";
  }
}
