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
  public Map<String, Long> cellsPerTable = new TreeMap<>();
  /** Source table -> HBase target table, for a restore into HBase. */
  public Map<String, String> targetTables;
  public long durationMs;
}
