package io.rewind.tools;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rewind.client.store.StoreRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code rewind demo --json}: field names are a contract read by users' scripts; add, never rename.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
final class DemoReport {
  public boolean verified;
  public String source;
  public long seed;
  public int servers;
  public long durationSeconds;
  public int targetEditsPerSecond;
  public int partitions;
  public long editsWritten;
  public long editsPublished;
  public int tables;

  /**
   * HBase demo: bulk loads (HFiles loaded with HBase's tool, captured by the endpoint) and
   * truncates in the workload.
   */
  public int bulkLoads;

  public int truncates;

  /** Bases taken (HBase demo: one per table when it joins the backup) and their HFile bytes. */
  public int bases;

  public long baseBytes;
  public String bootstrapServers;
  public String storeUri;

  /** Where the store was: "local" (a directory) or "s3" (S3Proxy through S3A). */
  public String store;

  public String workDir;

  /**
   * Where the restores ran: local (this process) or mapreduce (a job on a mini YARN cluster the
   * demo started).
   */
  public String restoreEngine;

  public long checkpoint;
  public String checkpointIso;
  public long rpoAtEndMs;
  public long earliest;
  public String earliestIso;
  public List<RestoreResult> restores = new ArrayList<>();
  public long durationMs;

  /**
   * Requests to the object store: the archiver's, the checkpoint app's and the demo's own
   * (restores, checkpoint reads).
   */
  public StoreRequests storeRequests;

  /** With --secure: how Kafka and the store were protected. */
  public Security security;

  /**
   * rewind verify of the store after the restores (every chain, segment and base file read back).
   */
  public StoreVerify storeVerify;

  /** The demo's Kafka security and encryption (--secure). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  static final class Security {
    public String protocol;
    public String mechanism;

    /** Role -> Kafka principal it ran as. */
    public Map<String, String> principals = new TreeMap<>();

    /** The key ring file (kept with --work-dir: rewind verify and rewind restore need it). */
    public String keyRingFile;

    public List<String> keyIds;
  }

  /** The store check after the restores. */
  static final class StoreVerify {
    public boolean ok;
    public int problems;
    public long segmentsChecked;
    public long baseFilesChecked;
    public long durationMs;
  }

  /** What the demo's compactor did while the demo archived and restored. */
  public Compaction compaction;

  /** The demo compactor's totals (levels of 5 s and 1 min). */
  static final class Compaction {
    public long passes;
    public long mergedSegmentsWritten;
    public long segmentsMerged;
    public long retiredDeleted;
    public long errors;
  }

  /** One verified (or not) restore. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  static final class RestoreResult {
    public long time;
    public String timeIso;
    public long cells;
    public long expectedCells;
    public long editsApplied;
    public long duplicatesSkipped;
    public int segments;
    public long durationMs;

    /** The requests of this restore alone. */
    public StoreRequests storeRequests;

    public boolean verified;
    public String mismatch;
  }
}
