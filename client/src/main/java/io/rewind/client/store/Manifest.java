package io.rewind.client.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commit record of one segment: a segment is visible only once its manifest exists. Written as
 * self-checksummed JSON by {@link ManifestCodec}; a torn manifest is treated as absent. Fields are
 * public and mutable for Jackson; treat instances as values once built.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class Manifest {

  public static final int FORMAT_VERSION = 1;

  /**
   * Bounds a manifest's size when a producer floods the topic with bad records (all are counted,
   * all are in dlq).
   */
  public static final int MAX_INVALID_LISTED = 100;

  public int formatVersion = FORMAT_VERSION;
  public int partition;

  /** First consumer position covered, inclusive. */
  public long startOffset;

  /** End of the covered range, exclusive. */
  public long endOffset;

  public String segmentPath;
  public long sizeBytes;
  public long recordCount;

  /** Lowest record timestamp (the WAL write time), or null for a segment of markers only. */
  public Long minWriteTime;

  public Long maxWriteTime;

  /** Records per table, from the table header; records without one count under "". */
  public Map<String, Long> tables = new TreeMap<>();

  /** Distinct schema ids seen in the schema header. */
  public List<String> schemaIds = List.of();

  /** Records that failed validation (copied to the dead-letter topic, archived as they are). */
  public long invalidRecords;

  /**
   * The first {@link #MAX_INVALID_LISTED} of them by offset with the reason, so a restore can name
   * them; null when there are none (manifests written before this field read the same).
   */
  public List<InvalidRecord> invalid;

  /** SHA-256 of the segment file's bytes, lower-case hex. */
  public String sha256;

  public String codec;

  /** Id of the client-side encryption key, or null when the segment is not encrypted. */
  public String keyId;

  public String archiver;
  public long committedAt;

  /**
   * The compaction level: null (read as 0) for a segment an archiver rolled, 1, 2... for one a
   * compactor merged from finer ones (docs/archivers.md, "Compaction").
   */
  public Integer level;

  /**
   * For a merged segment, the earliest commit time among the segments it merged; null at level 0.
   */
  public Long firstCommittedAt;

  /** For a merged segment, how many level-0 segments it holds; null at level 0. */
  public Long sources;

  /** A record archived although it failed validation. */
  @JsonPropertyOrder(alphabetic = true)
  public static final class InvalidRecord {
    public long offset;
    public String reason;

    public InvalidRecord() {}

    public InvalidRecord(long offset, String reason) {
      this.offset = offset;
      this.reason = reason;
    }
  }

  public long rangeLength() {
    return endOffset - startOffset;
  }

  /** The compaction level, 0 for a segment an archiver rolled. */
  public int level() {
    return level == null ? 0 : level;
  }

  /**
   * When the oldest level-0 segment this one holds was committed: the time compaction windows are
   * cut by.
   */
  public long archivedFrom() {
    return firstCommittedAt == null ? committedAt : firstCommittedAt;
  }

  /** The level-0 segments this one holds (1 for a level-0 segment). */
  public long sourceCount() {
    return sources == null ? 1 : sources;
  }

  /** The key of this manifest in the store. */
  public String key() {
    return level() == 0
        ? StoreLayout.manifest(partition, startOffset)
        : StoreLayout.levelManifest(partition, level(), startOffset, endOffset);
  }

  @Override
  public String toString() {
    return "manifest p=" + partition + " [" + startOffset + ", " + endOffset + ") " + segmentPath;
  }
}
