package io.rewind.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.store.Manifest;
import io.rewind.client.time.TimeParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a restore, printed for people and as JSON (field names are a contract): built once
 * by the restore ({@link Builder}), read-only after.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RestoreReport {
  public final long time;
  public final String timeIso;
  public final String timeInterpretation;
  public final long checkpoint;
  public final String checkpointIso;
  public final long earliest;
  public final String earliestIso;
  public final boolean dryRun;
  public final int segments;
  public final long bytes;
  public final long recordsPlanned;

  /**
   * Dry run: the edits the restore would replay (at or before T, of the tables restored, after
   * their bases).
   */
  public final Long editsPlanned;

  /**
   * Dry run: segments read to count {@link #editsPlanned} (those straddling T or a base); the
   * others' manifests told.
   */
  public final Integer segmentsReadToCount;

  public final long editsApplied;
  public final long duplicatesSkipped;
  public final long recordsAfterTime;
  public final long invalidRecords;

  /** Sorted runs written to the spill directory (0: every partition was sorted in memory). */
  public final long sortRunsSpilled;

  /** Bytes of those runs. */
  public final long sortBytesSpilled;

  /**
   * Planned segments the compactor merged away while the restore ran: their offsets were read from
   * the segment that merged them.
   */
  public final long segmentsMergedAway;

  /**
   * Records of the planned segments that failed validation when archived (their manifests count
   * them).
   */
  public final long invalidRecordsArchived;

  /**
   * Those records by segment and offset with the reason (the first ones of each segment: see
   * Manifest.invalid).
   */
  public final List<InvalidRecordArchived> invalidRecordsNamed;

  /** Tables in the plan (or those asked for with --tables). */
  public final List<String> tables;

  /**
   * Time range the planned edits cover: first write time in the plan … min(T, newest write time).
   */
  public final String coversFromIso;

  public final String coversToIso;
  public final int parallelism;
  public final long estimatedDurationMs;
  public final String estimateAssumption;
  public final Map<String, Long> cellsPerTable;

  /** Into HBase: puts or bulkload. */
  public final String mode;

  /** Where the replay ran: local (this process) or mapreduce (a job on YARN). */
  public final String restoreEngine;

  /** Source table -> HBase target table, for a restore into HBase. */
  public final Map<String, String> targetTables;

  /** With --verify: cells read back from the target against the replay's count, per table. */
  public final RestoreVerification verification;

  public final long durationMs;

  /**
   * The base each table restored from one was loaded from (before the stream was replayed on top).
   */
  public final List<BaseUsed> bases;

  /**
   * The captured bulk loads whose cells the restore replays (written after each table's replay
   * start, at or before T).
   */
  public final List<BulkLoadUsed> bulkLoadsReplayed;

  /** Their HFiles read and cells replayed (not in a dry run). */
  public final long bulkLoadFiles;

  public final long bulkLoadCells;

  /**
   * Tables the store knows that did not exist at T, with why (dropped at …, created at … after T):
   * not restored.
   */
  public final Map<String, String> tablesAbsentAtTime;

  private RestoreReport(Builder b) {
    this.time = b.time;
    this.timeIso = b.timeIso;
    this.timeInterpretation = b.timeInterpretation;
    this.checkpoint = b.checkpoint;
    this.checkpointIso = b.checkpointIso;
    this.earliest = b.earliest;
    this.earliestIso = b.earliestIso;
    this.dryRun = b.dryRun;
    this.segments = b.segments;
    this.bytes = b.bytes;
    this.recordsPlanned = b.recordsPlanned;
    this.editsPlanned = b.editsPlanned;
    this.segmentsReadToCount = b.segmentsReadToCount;
    this.editsApplied = b.editsApplied;
    this.duplicatesSkipped = b.duplicatesSkipped;
    this.recordsAfterTime = b.recordsAfterTime;
    this.invalidRecords = b.invalidRecords;
    this.sortRunsSpilled = b.sortRunsSpilled;
    this.sortBytesSpilled = b.sortBytesSpilled;
    this.segmentsMergedAway = b.segmentsMergedAway;
    this.invalidRecordsArchived = b.invalidRecordsArchived;
    this.invalidRecordsNamed =
        b.invalidRecordsNamed == null
            ? null
            : Collections.unmodifiableList(new ArrayList<>(b.invalidRecordsNamed));
    this.tables = b.tables == null ? null : Collections.unmodifiableList(new ArrayList<>(b.tables));
    this.coversFromIso = b.coversFromIso;
    this.coversToIso = b.coversToIso;
    this.parallelism = b.parallelism;
    this.estimatedDurationMs = b.estimatedDurationMs;
    this.estimateAssumption = b.estimateAssumption;
    this.cellsPerTable =
        b.cellsPerTable == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.cellsPerTable));
    this.mode = b.mode;
    this.restoreEngine = b.restoreEngine;
    this.targetTables =
        b.targetTables == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.targetTables));
    this.verification = b.verification;
    this.durationMs = b.durationMs;
    this.bases = b.bases == null ? null : Collections.unmodifiableList(new ArrayList<>(b.bases));
    this.bulkLoadsReplayed =
        b.bulkLoadsReplayed == null
            ? null
            : Collections.unmodifiableList(new ArrayList<>(b.bulkLoadsReplayed));
    this.bulkLoadFiles = b.bulkLoadFiles;
    this.bulkLoadCells = b.bulkLoadCells;
    this.tablesAbsentAtTime =
        b.tablesAbsentAtTime == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.tablesAbsentAtTime));
  }

  /** This report with more to add (the restorer adds the target's and the verification's parts). */
  Builder toBuilder() {
    Builder b = new Builder();
    b.time = time;
    b.timeIso = timeIso;
    b.timeInterpretation = timeInterpretation;
    b.checkpoint = checkpoint;
    b.checkpointIso = checkpointIso;
    b.earliest = earliest;
    b.earliestIso = earliestIso;
    b.dryRun = dryRun;
    b.segments = segments;
    b.bytes = bytes;
    b.recordsPlanned = recordsPlanned;
    b.editsPlanned = editsPlanned;
    b.segmentsReadToCount = segmentsReadToCount;
    b.editsApplied = editsApplied;
    b.duplicatesSkipped = duplicatesSkipped;
    b.recordsAfterTime = recordsAfterTime;
    b.invalidRecords = invalidRecords;
    b.sortRunsSpilled = sortRunsSpilled;
    b.sortBytesSpilled = sortBytesSpilled;
    b.segmentsMergedAway = segmentsMergedAway;
    b.invalidRecordsArchived = invalidRecordsArchived;
    b.invalidRecordsNamed =
        invalidRecordsNamed == null ? null : new ArrayList<>(invalidRecordsNamed);
    b.tables = tables == null ? null : new ArrayList<>(tables);
    b.coversFromIso = coversFromIso;
    b.coversToIso = coversToIso;
    b.parallelism = parallelism;
    b.estimatedDurationMs = estimatedDurationMs;
    b.estimateAssumption = estimateAssumption;
    b.cellsPerTable = cellsPerTable == null ? null : new TreeMap<>(cellsPerTable);
    b.mode = mode;
    b.restoreEngine = restoreEngine;
    b.targetTables = targetTables == null ? null : new LinkedHashMap<>(targetTables);
    b.verification = verification;
    b.durationMs = durationMs;
    b.bases = bases == null ? null : new ArrayList<>(bases);
    b.bulkLoadsReplayed = bulkLoadsReplayed == null ? null : new ArrayList<>(bulkLoadsReplayed);
    b.bulkLoadFiles = bulkLoadFiles;
    b.bulkLoadCells = bulkLoadCells;
    b.tablesAbsentAtTime =
        tablesAbsentAtTime == null ? null : new LinkedHashMap<>(tablesAbsentAtTime);
    return b;
  }

  /** A report filled as the restore goes, built once at its end. */
  static final class Builder {
    long time;
    String timeIso;
    String timeInterpretation;
    long checkpoint;
    String checkpointIso;
    long earliest;
    String earliestIso;
    boolean dryRun;
    int segments;
    long bytes;
    long recordsPlanned;
    Long editsPlanned;
    Integer segmentsReadToCount;
    long editsApplied;
    long duplicatesSkipped;
    long recordsAfterTime;
    long invalidRecords;
    long sortRunsSpilled;
    long sortBytesSpilled;
    long segmentsMergedAway;
    long invalidRecordsArchived;
    List<InvalidRecordArchived> invalidRecordsNamed = new ArrayList<>();
    List<String> tables;
    String coversFromIso;
    String coversToIso;
    int parallelism;
    long estimatedDurationMs;
    String estimateAssumption;
    Map<String, Long> cellsPerTable = new TreeMap<>();
    String mode;
    String restoreEngine;
    Map<String, String> targetTables;
    RestoreVerification verification;
    long durationMs;
    List<BaseUsed> bases = new ArrayList<>();
    List<BulkLoadUsed> bulkLoadsReplayed = new ArrayList<>();
    long bulkLoadFiles;
    long bulkLoadCells;
    Map<String, String> tablesAbsentAtTime;

    RestoreReport build() {
      return new RestoreReport(this);
    }
  }

  /**
   * A record archived although it failed validation; its copy with the reason is in the dlq topic.
   */
  public static final class InvalidRecordArchived {
    public final String segment;
    public final int partition;
    public final long offset;
    public final String reason;

    private InvalidRecordArchived(String segment, int partition, long offset, String reason) {
      this.segment = segment;
      this.partition = partition;
      this.offset = offset;
      this.reason = reason;
    }

    static InvalidRecordArchived of(Manifest m, Manifest.InvalidRecord r) {
      return new InvalidRecordArchived(m.segmentPath, m.partition, r.offset, r.reason);
    }
  }

  /** A captured bulk load a restore replays. */
  public static final class BulkLoadUsed {
    public final String table;
    public final String region;
    public final long sequenceId;
    public final String writeTimeIso;
    public final int files;
    public final long bytes;

    private BulkLoadUsed(
        String table, String region, long sequenceId, String writeTimeIso, int files, long bytes) {
      this.table = table;
      this.region = region;
      this.sequenceId = sequenceId;
      this.writeTimeIso = writeTimeIso;
      this.files = files;
      this.bytes = bytes;
    }

    static BulkLoadUsed of(BulkLoadManifest l) {
      return new BulkLoadUsed(
          l.table,
          l.region,
          l.sequenceId,
          TimeParser.format(l.writeTime),
          l.files.size(),
          l.bytes());
    }
  }

  /** A base a restore loads. */
  public static final class BaseUsed {
    public final String table;
    public final String id;
    public final String completedAtIso;

    /** The stream is replayed from edits written after this time. */
    public final String replayAfterIso;

    public final int files;
    public final long bytes;

    private BaseUsed(
        String table,
        String id,
        String completedAtIso,
        String replayAfterIso,
        int files,
        long bytes) {
      this.table = table;
      this.id = id;
      this.completedAtIso = completedAtIso;
      this.replayAfterIso = replayAfterIso;
      this.files = files;
      this.bytes = bytes;
    }

    static BaseUsed of(String table, BaseImageManifest b) {
      return new BaseUsed(
          table,
          b.id,
          TimeParser.format(b.completedAt),
          TimeParser.format(b.replayAfter),
          b.files.size(),
          b.bytes());
    }
  }
}
