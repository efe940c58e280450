package io.rewind.store.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one restore test ({@code rewind verify --restore-test}): what was restored, to
 * which time, how long it took (the RTO operators actually get), and how each table compared. Kept
 * in the store ({@link RestoreTests}); its JSON is a contract (add fields, never rename).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class RestoreTestRecord {

  public int formatVersion = 1;
  public String id;
  public long startedAt;
  public String startedAtIso;
  public long endedAt;
  public String endedAtIso;

  /** The time restored to. */
  public long time;

  public String timeIso;
  public List<String> tables = new ArrayList<>();

  /** Where it restored: an HBase namespace, or cell dumps. */
  public String target;

  public boolean ok;

  /** Why it failed, when it did. */
  public String error;

  /** The restore's wall-clock time, bases included: the measured RTO of this sample. */
  public long restoreMs;

  public long editsApplied;
  public int segments;

  /** Segment bytes read plus base bytes loaded. */
  public long bytes;

  public int bases;
  public long bytesPerSecond;
  public Map<String, TableResult> results = new TreeMap<>();

  /** How one restored table compared. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
  public static final class TableResult {
    /**
     * {@code source-oracle} (a [0, T+1) scan of the source) or {@code counts-and-hash} (the restore
     * read back).
     */
    public String mode;

    public boolean ok;

    /** Cells read back from the restored table (all versions). */
    public long cells;

    /** Cells expected: the source's (oracle) or the replay's own count. */
    public Long expectedCells;

    /**
     * SHA-256 over the restored cells in HBase order (row, family, qualifier, timestamp, value).
     */
    public String sha256;

    public String mismatch;
    public String note;
  }
}
