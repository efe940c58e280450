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
  public long editsApplied;
  public long duplicatesSkipped;
  public long recordsAfterTime;
  public long invalidRecords;
  /** Records of the planned segments that failed validation when archived (their manifests count them). */
  public long invalidRecordsArchived;
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
  /** Source table -> HBase target table, for a restore into HBase. */
  public Map<String, String> targetTables;
  /** With --verify: cells read back from the target against the replay's count, per table. */
  public RestoreVerification verification;
  public long durationMs;
  /** The base each table restored from one was loaded from (before the stream was replayed on top). */
  public java.util.List<BaseUsed> bases = new java.util.ArrayList<>();

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
