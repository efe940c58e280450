package io.rewind.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/** The outcome of a restore, printed for people and as JSON (field names are a contract). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RestoreReport {
  public long time;
  public String timeIso;
  public String timeInterpretation;
  public long checkpoint;
  public String checkpointIso;
  public long earliest;
  public String earliestIso;
  public boolean dryRun;
  public int segments;
  public long bytes;
  public long recordsPlanned;
  /** Dry run: the edits the restore would replay (at or before T, of the tables restored, after their bases). */
  public Long editsPlanned;
  /** Dry run: segments read to count {@link #editsPlanned} (those straddling T or a base); the others' manifests told. */
  public Integer segmentsReadToCount;
  public long editsApplied;
  public long duplicatesSkipped;
  public long recordsAfterTime;
  public long invalidRecords;
  /** Sorted runs written to the spill directory (0: every partition was sorted in memory). */
  public long sortRunsSpilled;
  /** Bytes of those runs. */
  public long sortBytesSpilled;
  /**
   * Planned segments the compactor merged away while the restore ran: their offsets were read from
   * the segment that merged them.
   */
  public long segmentsMergedAway;
  /** Records of the planned segments that failed validation when archived (their manifests count them). */
  public long invalidRecordsArchived;
  /** Those records by segment and offset with the reason (the first ones of each segment: see Manifest.invalid). */
  public java.util.List<InvalidRecordArchived> invalidRecordsNamed = new java.util.ArrayList<>();
  /** Tables in the plan (or those asked for with --tables). */
  public java.util.List<String> tables;
  /** Time range the planned edits cover: first write time in the plan … min(T, newest write time). */
  public String coversFromIso;
  public String coversToIso;
  public int parallelism;
  public long estimatedDurationMs;
  public String estimateAssumption;
  public Map<String, Long> cellsPerTable = new TreeMap<>();
  /** Into HBase: puts or bulkload. */
  public String mode;
  /** Where the replay ran: local (this process) or mapreduce (a job on YARN). */
  public String restoreEngine;
  /** Source table -> HBase target table, for a restore into HBase. */
  public Map<String, String> targetTables;
  /** With --verify: cells read back from the target against the replay's count, per table. */
  public RestoreVerification verification;
  public long durationMs;
  /** The base each table restored from one was loaded from (before the stream was replayed on top). */
  public java.util.List<BaseUsed> bases = new java.util.ArrayList<>();
  /** The captured bulk loads whose cells the restore replays (written after each table's replay start, at or before T). */
  public java.util.List<BulkLoadUsed> bulkLoadsReplayed = new java.util.ArrayList<>();
  /** Their HFiles read and cells replayed (not in a dry run). */
  public long bulkLoadFiles;
  public long bulkLoadCells;
  /** Tables the store knows that did not exist at T, with why (dropped at …, created at … after T): not restored. */
  public Map<String, String> tablesAbsentAtTime;

  /** A record archived although it failed validation; its copy with the reason is in the dlq topic. */
  public static final class InvalidRecordArchived {
    public String segment;
    public int partition;
    public long offset;
    public String reason;

    static InvalidRecordArchived of(io.rewind.core.store.Manifest m, io.rewind.core.store.Manifest.InvalidRecord r) {
      InvalidRecordArchived a = new InvalidRecordArchived();
      a.segment = m.segmentPath;
      a.partition = m.partition;
      a.offset = r.offset;
      a.reason = r.reason;
      return a;
    }
  }

  /** A captured bulk load a restore replays. */
  public static final class BulkLoadUsed {
    public String table;
    public String region;
    public long sequenceId;
    public String writeTimeIso;
    public int files;
    public long bytes;

    static BulkLoadUsed of(io.rewind.core.base.BulkLoadManifest l) {
      BulkLoadUsed u = new BulkLoadUsed();
      u.table = l.table;
      u.region = l.region;
      u.sequenceId = l.sequenceId;
      u.writeTimeIso = io.rewind.core.time.TimeParser.format(l.writeTime);
      u.files = l.files.size();
      u.bytes = l.bytes();
      return u;
    }
  }

  /** A base a restore loads. */
  public static final class BaseUsed {
    public String table;
    public String id;
    public String completedAtIso;
    /** The stream is replayed from edits written after this time. */
    public String replayAfterIso;
    public int files;
    public long bytes;

    static BaseUsed of(String table, io.rewind.core.base.BaseManifest b) {
      BaseUsed u = new BaseUsed();
      u.table = table;
      u.id = b.id;
      u.completedAtIso = io.rewind.core.time.TimeParser.format(b.completedAt);
      u.replayAfterIso = io.rewind.core.time.TimeParser.format(b.replayAfter);
      u.files = b.files.size();
      u.bytes = b.bytes();
      return u;
    }
  }
}
