package io.rewind.store.segment;

import io.rewind.client.store.Manifest;
import io.rewind.client.store.StoreLayout;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A rolled segment: its Avro container bytes (completed on first use) and what its manifest will
 * say.
 */
public final class SealedSegment {

  private final int partition;
  private final long startOffset;
  private final long endOffset;
  private final Supplier<byte[]> file;
  private byte[] bytes;
  private final long recordCount;
  private final long recordBytes;
  private final Long minWriteTime;
  private final Long maxWriteTime;
  private final Map<String, Long> tables;
  private final List<String> schemaIds;
  private final long invalidRecords;
  private final List<Manifest.InvalidRecord> invalidListed;
  private final String codec;

  SealedSegment(
      int partition,
      long startOffset,
      long endOffset,
      Supplier<byte[]> file,
      long recordCount,
      long recordBytes,
      Long minWriteTime,
      Long maxWriteTime,
      Map<String, Long> tables,
      List<String> schemaIds,
      long invalidRecords,
      List<Manifest.InvalidRecord> invalidListed,
      String codec) {
    this.partition = partition;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this.file = file;
    this.recordCount = recordCount;
    this.recordBytes = recordBytes;
    this.minWriteTime = minWriteTime;
    this.maxWriteTime = maxWriteTime;
    this.tables = Map.copyOf(tables);
    this.schemaIds = List.copyOf(schemaIds);
    this.invalidRecords = invalidRecords;
    this.invalidListed = List.copyOf(invalidListed);
    this.codec = codec;
  }

  public int partition() {
    return partition;
  }

  public long startOffset() {
    return startOffset;
  }

  /** End of the covered consumer positions, exclusive. */
  public long endOffset() {
    return endOffset;
  }

  /** The segment's key in the store: known only now that the end is. */
  public String key() {
    return StoreLayout.segment(partition, startOffset, endOffset);
  }

  /**
   * The Avro container file, as it will be stored; the first call completes it (waiting for or
   * doing the compression of its last blocks), so make it on a worker thread. Not copied: do not
   * modify.
   */
  public synchronized byte[] bytes() {
    if (bytes == null) {
      bytes = file.get();
    }
    return bytes;
  }

  public long recordCount() {
    return recordCount;
  }

  /** Uncompressed record bytes (keys, values, headers): what segment.max.bytes bounds. */
  public long recordBytes() {
    return recordBytes;
  }

  public Long minWriteTime() {
    return minWriteTime;
  }

  public Long maxWriteTime() {
    return maxWriteTime;
  }

  public Map<String, Long> tables() {
    return tables;
  }

  public List<String> schemaIds() {
    return schemaIds;
  }

  public String codec() {
    return codec;
  }

  /** The manifest committing this segment once its bytes are stored with the given digest. */
  public Manifest toManifest(String sha256, long sizeBytes, String archiver, long committedAt) {
    Manifest m = new Manifest();
    m.partition = partition;
    m.startOffset = startOffset;
    m.endOffset = endOffset;
    m.segmentPath = key();
    m.sizeBytes = sizeBytes;
    m.recordCount = recordCount;
    m.minWriteTime = minWriteTime;
    m.maxWriteTime = maxWriteTime;
    m.tables = new TreeMap<>(tables);
    m.schemaIds = schemaIds;
    m.invalidRecords = invalidRecords;
    m.invalid = invalidListed.isEmpty() ? null : invalidListed;
    m.sha256 = sha256;
    m.codec = codec;
    m.archiver = archiver;
    m.committedAt = committedAt;
    return m;
  }

  @Override
  public String toString() {
    return "segment p="
        + partition
        + " ["
        + startOffset
        + ", "
        + endOffset
        + ") "
        + recordCount
        + " records";
  }
}
