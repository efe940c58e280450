package io.rewind.store.segment;

import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Accumulates the records of one partition for a contiguous range of consumer positions [start,
 * end) into one Avro container file in the configured {@link SegmentFormat}, the bytes as Kafka had
 * them (built by {@link SegmentFileBuilder}: its blocks are built as records arrive and compressed
 * off the poll thread).
 *
 * <p>Why in memory: a segment's key holds its end offset, which is known only when it rolls, and
 * the design forbids renames (on S3 a rename is a copy plus a delete) and wants no local spool that
 * a crash could strand. So the compressed container is built in memory and written in one create()
 * to its final key at roll time; memory per partition is bounded by segment.max.bytes (less after
 * compression, plus the block being filled: up to 4 MiB of records and, in format 2, the last value
 * of each of its keys).
 *
 * <p>The range is one of consumer positions, not of record offsets: {@link #advanceTo} takes the
 * consumer's position after a poll, so gaps in the log (transaction markers, aborted records) stay
 * inside a segment and consecutive segments meet exactly. Pure: the caller passes the time.
 */
public final class SegmentWriter {

  /**
   * Avro's per-record overhead is small; count offsets and timestamps so tiny records still add up.
   */
  private static final int RECORD_OVERHEAD = 16;

  private final int partition;
  private final long startOffset;
  private final long maxBytes;
  private final String codec;
  private final SegmentFileBuilder file;

  private long endOffset;
  private long openedAt = -1;
  private long recordCount;
  private long recordBytes;
  private Long minWriteTime;
  private Long maxWriteTime;
  private final Map<String, Long> tables = new TreeMap<>();
  private final TreeSet<String> schemaIds = new TreeSet<>();
  private final HeaderText tableNames = new HeaderText();
  private final HeaderText schemaNames = new HeaderText();
  // Consecutive records of one table are counted here and added to the map when the table changes.
  private String runTable;
  private long runCount;
  private String lastSchema;
  private long invalidRecords;
  private final List<Manifest.InvalidRecord> invalidListed = new ArrayList<>();
  private boolean sealed;

  public SegmentWriter(int partition, long startOffset, long maxBytes, String codec) {
    this(partition, startOffset, maxBytes, codec, Runnable::run);
  }

  public SegmentWriter(
      int partition, long startOffset, long maxBytes, String codec, Executor compressor) {
    this(
        partition,
        startOffset,
        maxBytes,
        SegmentFormat.COLUMNAR,
        codec,
        BlockCodecs.DEFAULT_ZSTD_LEVEL,
        compressor);
  }

  /**
   * @param compressor where full blocks are compressed: the archiver's worker threads
   */
  public SegmentWriter(
      int partition,
      long startOffset,
      long maxBytes,
      SegmentFormat format,
      String codec,
      int zstdLevel,
      Executor compressor) {
    this.partition = partition;
    this.startOffset = startOffset;
    this.endOffset = startOffset;
    this.maxBytes = maxBytes;
    this.codec = codec;
    this.file =
        new SegmentFileBuilder(
            format, codec, zstdLevel, syncMarker(partition, startOffset), compressor);
    file.setMeta("rewind.partition", partition);
    file.setMeta("rewind.start", startOffset);
  }

  /**
   * Avro's block separator, random by default, derived here from the partition and start offset:
   * two archivers that archive the same range (a zombie and the partition's new owner) produce the
   * same bytes under the same key, so one overwriting the other's committed segment changes
   * nothing.
   */
  static byte[] syncMarker(int partition, long startOffset) {
    byte[] digest =
        ManifestCodec.Sha256.newDigest()
            .digest(
                ("rewind segment " + partition + " " + startOffset)
                    .getBytes(StandardCharsets.UTF_8));
    return Arrays.copyOf(digest, 16);
  }

  /** The bytes a record counts against segment.max.bytes. */
  public static long sizeOf(ConsumerRecord<byte[], byte[]> record) {
    long size = RECORD_OVERHEAD;
    size += record.key() == null ? 0 : record.key().length;
    size += record.value() == null ? 0 : record.value().length;
    for (Header h : record.headers()) {
      size += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return size;
  }

  /** True when appending the record would pass segment.max.bytes: roll first. */
  public boolean wouldOverflow(ConsumerRecord<byte[], byte[]> record) {
    return wouldOverflow(sizeOf(record));
  }

  /**
   * @param size the record's {@link #sizeOf}
   */
  public boolean wouldOverflow(long size) {
    return recordCount > 0 && recordBytes + size > maxBytes;
  }

  /**
   * Appends a record at or after the current end.
   *
   * @param problem why the record failed validation, or null when it passed: archived all the same,
   *     counted (and the first ones named) in the manifest
   */
  public void append(ConsumerRecord<byte[], byte[]> record, String problem, long nowMs) {
    append(record, sizeOf(record), problem, nowMs);
  }

  /**
   * {@link #append(ConsumerRecord, String, long)} with the record's {@link #sizeOf} already known.
   */
  public void append(ConsumerRecord<byte[], byte[]> record, long size, String problem, long nowMs) {
    checkOpen();
    if (record.offset() < endOffset) {
      throw new IllegalArgumentException(
          "record offset "
              + record.offset()
              + " is below the segment's end "
              + endOffset
              + " (partition "
              + partition
              + ")");
    }
    file.append(record, size);
    opened(nowMs);
    endOffset = record.offset() + 1;
    recordCount++;
    recordBytes += size;
    long ts = record.timestamp();
    minWriteTime = minWriteTime == null ? ts : Math.min(minWriteTime, ts);
    maxWriteTime = maxWriteTime == null ? ts : Math.max(maxWriteTime, ts);
    String table = tableNames.of(record.headers().lastHeader(RecordHeaders.TABLE), "");
    if (table != runTable) { // identity: HeaderText returns the same String while the value repeats
      flushTableRun();
      runTable = table;
    }
    runCount++;
    String schema = schemaNames.of(record.headers().lastHeader(RecordHeaders.SCHEMA), null);
    if (schema != null && schema != lastSchema) {
      schemaIds.add(schema);
      lastSchema = schema;
    }
    if (problem != null) {
      invalidRecords++;
      if (invalidListed.size() < Manifest.MAX_INVALID_LISTED) {
        invalidListed.add(new Manifest.InvalidRecord(record.offset(), problem));
      }
    }
  }

  /** Extends the range to the consumer's position: offsets skipped by the consumer (log gaps). */
  public void advanceTo(long position, long nowMs) {
    checkOpen();
    if (position > endOffset) {
      opened(nowMs);
      endOffset = position;
    }
  }

  private void opened(long nowMs) {
    if (openedAt < 0) {
      openedAt = nowMs;
    }
  }

  /** The range is not empty: rolling now would commit something. */
  public boolean hasContent() {
    return endOffset > startOffset;
  }

  /** Reached segment.max.bytes (a single record larger than it makes a segment of its own). */
  public boolean isFull() {
    return recordBytes >= maxBytes;
  }

  /**
   * When the segment took its first record or skipped offset (the time passed then); -1 while
   * empty.
   */
  public long openedAt() {
    return openedAt;
  }

  public int partition() {
    return partition;
  }

  public long startOffset() {
    return startOffset;
  }

  /** The consumer position after the last record or gap taken in, exclusive. */
  public long endOffset() {
    return endOffset;
  }

  public long recordCount() {
    return recordCount;
  }

  public long recordBytes() {
    return recordBytes;
  }

  /**
   * Closes the segment; the writer takes nothing more. Cheap: the file is completed by the first
   * call of {@link SealedSegment#bytes}, on a worker thread.
   */
  public SealedSegment seal() {
    checkOpen();
    sealed = true;
    flushTableRun();
    return new SealedSegment(
        partition,
        startOffset,
        endOffset,
        file::finish,
        recordCount,
        recordBytes,
        minWriteTime,
        maxWriteTime,
        tables,
        new ArrayList<>(schemaIds),
        invalidRecords,
        invalidListed,
        codec);
  }

  private void flushTableRun() {
    if (runCount > 0) {
      tables.merge(runTable, runCount, Long::sum);
      runCount = 0;
    }
  }

  /**
   * Drops the segment (the partition is retried or revoked): blocks being compressed are cancelled.
   */
  public void discard() {
    sealed = true;
    file.discard();
  }

  private void checkOpen() {
    if (sealed) {
      throw new IllegalStateException(
          "segment p=" + partition + " [" + startOffset + ", " + endOffset + ") is sealed");
    }
  }

  /**
   * A header's text, decoded once per distinct value run (every record of a batch names the same
   * few).
   */
  private static final class HeaderText {
    private byte[] lastBytes;
    private String lastText;

    String of(Header header, String absent) {
      if (header == null || header.value() == null) {
        return absent;
      }
      if (!Arrays.equals(header.value(), lastBytes)) {
        lastBytes = header.value();
        lastText = new String(lastBytes, StandardCharsets.UTF_8);
      }
      return lastText;
    }
  }
}
