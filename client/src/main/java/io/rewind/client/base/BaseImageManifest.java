package io.rewind.client.base;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The commit record of a base image: a full copy of one table from an HBase snapshot. A base is
 * visible only once this manifest exists ({@code base.json}, self-checksummed); the same shape
 * written as {@code pending.json} before copying is the intent that keeps the files it names safe
 * from garbage collection while the copy runs. Fields are public and mutable for Jackson.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class BaseImageManifest {

  public static final int FORMAT_VERSION = 1;

  public int formatVersion = FORMAT_VERSION;

  /** namespace:qualifier. */
  public String table;

  /** {@code b-<startedAt, 13 digits>}: sorts by time within a table. */
  public String id;

  /** The HBase snapshot the base was copied from. */
  public String snapshot;

  /** When the snapshot was requested (before the call). */
  public long startedAt;

  /** startedAt − margin: a restore from this base replays the stream's edits written after it. */
  public long replayAfter;

  /** When the snapshot was complete: the base serves restores to T at or after this time. */
  public long completedAt;

  public long marginMs;

  /** The snapshot's regions, in key order. */
  public List<Region> regions = new ArrayList<>();

  /** Every HFile the snapshot references, with where it is stored (shared across bases). */
  public List<BaseImageFile> files = new ArrayList<>();

  /** The snapshot's own manifest files, copied under the base's directory. */
  public List<String> snapshotFiles = new ArrayList<>();

  public long committedAt;

  /** The epoch of the table's lease the base was committed under (0 before leases). */
  public long leaseEpoch;

  /** One region of the snapshot; keys in base64 (empty for the table's first and last). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
  public static final class Region {
    public String encodedName;
    public String startKey;
    public String endKey;
  }

  @JsonIgnore
  public long bytes() {
    return files.stream().mapToLong(f -> f.size).sum();
  }

  @JsonIgnore
  public long storedBytes() {
    return files.stream().mapToLong(f -> f.storedBytes).sum();
  }

  @Override
  public String toString() {
    return "base " + id + " of " + table;
  }
}
