package io.rewind.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code rewind verify} found (its {@code --json}; field names are a contract: add, never
 * rename).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class VerifyReport {
  /** True when no problem was found: exit 0. */
  public boolean ok;

  public String storeUri;

  /**
   * Only data written after this time was checked ({@code --since}), or null for the whole store.
   */
  public Long since;

  public String sinceIso;
  public Long checkpoint;
  public String checkpointIso;
  public int partitions;

  /** Covering manifests walked (committed chains). */
  public long manifests;

  public long segmentsChecked;
  public long segmentBytesRead;

  /**
   * Segments the compactor merged away while verify ran: the segment that merged them was read
   * instead.
   */
  public long segmentsMergedAway;

  public int bases;
  public long baseFilesChecked;
  public long baseFileBytesRead;
  public int bulkLoads;
  public long bulkLoadFilesChecked;
  public long bulkLoadFileBytesRead;

  /** Tables whose descriptor was read. */
  public int descriptors;

  /** Per key id, what it sealed: a key is needed while any object names it. */
  public Map<String, KeyUse> keys = new TreeMap<>();

  /** The ids of the configured key ring. */
  public List<String> keysConfigured = new ArrayList<>();

  public List<Problem> problems = new ArrayList<>();
  public List<String> notes = new ArrayList<>();
  public int threads;
  public long maxBytesPerSecond;
  public long durationMs;
  public long bytesPerSecond;

  /** One thing wrong, the object it concerns and what to do. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class Problem {
    public String kind;
    public String object;
    public Integer partition;
    public Long fromOffset;
    public Long toOffset;
    public String fromIso;
    public String toIso;
    public String message;
    public String fix;

    static Problem of(String kind, String object, String message, String fix) {
      Problem p = new Problem();
      p.kind = kind;
      p.object = object;
      p.message = message;
      p.fix = fix;
      return p;
    }

    @Override
    public String toString() {
      return kind + " " + object + ": " + message + " (" + fix + ")";
    }
  }

  /** Objects one key sealed. */
  public static final class KeyUse {
    public long segments;

    /** Stored HFiles: files of bases and of captured bulk loads. */
    public long baseFiles;

    /** The newest edit (segments) or base completion sealed with it. */
    public Long newestDataTime;

    public String newestDataTimeIso;
    public boolean configured;
  }
}
