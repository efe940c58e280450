package io.rewind.store.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.StoreLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The head of one partition's manifest index ({@link ManifestIndex}): the manifests that cover the
 * partition's committed chain, the newest held here and older ones in immutable pages named by
 * summaries, so that finding the manifests of an offset or write-time range costs one read of the
 * head plus the pages that overlap it, whatever the partition's age. Written only by the compactor
 * holding the stream's lease; rewritten in place with a backup copy (like the checkpoint file),
 * each copy by compare-and-swap ({@link FencedCopies}), self-checksummed. Fields are public and
 * mutable for Jackson; treat instances as values once read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class IndexHead {

  public static final int FORMAT_VERSION = 1;

  public int formatVersion = FORMAT_VERSION;
  public int partition;

  /** Grows by one with every write: a reader takes the higher of the two copies. */
  public long version;

  public long writtenAt;

  /**
   * The epoch of the lease (on the stream) it was written under: a compactor that reads a higher
   * one has lost its lease and writes nothing more. 0 before leases.
   */
  public long leaseEpoch;

  /**
   * End (exclusive) of the contiguous chain the pages and entries cover, or -1 when they cover
   * nothing; level-0 manifests starting at or after it are not indexed yet.
   */
  public long indexedEnd = -1;

  /** Older entries, in offset order, before {@link #entries}. */
  public List<PageRef> pages = new ArrayList<>();

  /** The covering manifests after the pages, in start-offset order. */
  public List<Manifest> entries = new ArrayList<>();

  /**
   * Manifests replaced by coarser ones, deleted by the compactor once their grace period has
   * passed.
   */
  public List<Retired> retired = new ArrayList<>();

  /** A page of older entries, summarized so that readers open only the pages a range needs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
  public static final class PageRef {
    public String key;
    public long startOffset;
    public long endOffset;
    public Long minWriteTime;
    public Long maxWriteTime;
    public int manifests;
    public long sources;
    public long sizeBytes;
    public long recordCount;
    public Map<String, TableStats> tables = new TreeMap<>();

    /** The write-time range [minWriteTime, maxWriteTime] meets (after, upTo]. */
    public boolean overlapsWriteTimes(long after, long upTo) {
      return minWriteTime != null && minWriteTime <= upTo && maxWriteTime > after;
    }

    /** The summary of a page holding {@code entries}. */
    public static PageRef of(String key, List<Manifest> entries) {
      PageRef ref = new PageRef();
      ref.key = key;
      ref.startOffset = entries.get(0).startOffset;
      ref.endOffset = entries.stream().mapToLong(m -> m.endOffset).max().getAsLong();
      for (Manifest m : entries) {
        ref.minWriteTime = TableStats.min(ref.minWriteTime, m.minWriteTime);
        ref.maxWriteTime = TableStats.max(ref.maxWriteTime, m.maxWriteTime);
        ref.sources += m.sourceCount();
        ref.sizeBytes += m.sizeBytes;
        ref.recordCount += m.recordCount;
      }
      ref.manifests = entries.size();
      ref.tables = TableStats.of(entries);
      return ref;
    }
  }

  /**
   * A manifest and its segment awaiting deletion, and since when. The keys of a level-0 manifest
   * and segment follow from its range; a merged segment's key (which holds an attempt id) is kept.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder(alphabetic = true)
  public static final class Retired {
    public Integer level;
    public long startOffset;
    public long endOffset;

    /** The segment of a merged manifest; null at level 0. */
    public String segment;

    public long retiredAt;

    public Retired() {}

    public static Retired of(Manifest m, long retiredAt) {
      Retired r = new Retired();
      r.level = m.level == null || m.level == 0 ? null : m.level;
      r.startOffset = m.startOffset;
      r.endOffset = m.endOffset;
      r.segment = r.level == null ? null : m.segmentPath;
      r.retiredAt = retiredAt;
      return r;
    }

    public String manifestKey(int partition) {
      return level == null
          ? StoreLayout.manifest(partition, startOffset)
          : StoreLayout.levelManifest(partition, level, startOffset, endOffset);
    }

    public String segmentKey(int partition) {
      return segment != null ? segment : StoreLayout.segment(partition, startOffset, endOffset);
    }
  }

  /** An empty head of a partition. */
  public static IndexHead empty(int partition) {
    IndexHead h = new IndexHead();
    h.partition = partition;
    return h;
  }
}
