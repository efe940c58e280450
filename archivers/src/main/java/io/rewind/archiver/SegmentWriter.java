package io.rewind.archiver;

import io.rewind.core.kafka.RecordHeaders;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Accumulates the records of one partition for a contiguous range of consumer positions
 * [start, end) into one Avro container file of {@link ArchivedRecord}s, the bytes as Kafka had them.
 *
 * <p>Why in memory: a segment's key holds its end offset, which is known only when it rolls, and
 * the design forbids renames (on S3 a rename is a copy plus a delete) and wants no local spool
 * that a crash could strand. So the compressed container is built in memory and written in one
 * create() to its final key at roll time; memory per partition is bounded by segment.max.bytes
 * (less after compression, plus one Avro block of 64 KB being filled).
 *
 * <p>The range is one of consumer positions, not of record offsets: {@link #advanceTo} takes the
 * consumer's position after a poll, so gaps in the log (transaction markers, aborted records)
 * stay inside a segment and consecutive segments meet exactly. Pure: the caller passes the time.
 */
public final class SegmentWriter {

  /** Avro's per-record overhead is small; count offsets and timestamps so tiny records still add up. */
  private static final int RECORD_OVERHEAD = 16;

  private final int partition;
  private final long startOffset;
  private final long maxBytes;
  private final long maxAgeMs;
  private final String codec;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final DataFileWriter<ArchivedRecord> file;

  private long endOffset;
  private long openedAt = -1;
  private long recordCount;
  private long recordBytes;
  private Long minWriteTime;
  private Long maxWriteTime;
  private final Map<String, Long> tables = new TreeMap<>();
  private final TreeSet<String> schemaIds = new TreeSet<>();
  private long invalidRecords;
  private boolean sealed;

  public SegmentWriter(int partition, long startOffset, ArchiverSettings settings) {
    this(partition, startOffset, settings.segmentMaxBytes(), settings.segmentMaxAgeMs(), settings.codec());
  }

  public SegmentWriter(int partition, long startOffset, long maxBytes, long maxAgeMs, String codec) {
    this.partition = partition;
    this.startOffset = startOffset;
    this.endOffset = startOffset;
    this.maxBytes = maxBytes;
    this.maxAgeMs = maxAgeMs;
    this.codec = codec;
    this.file = new DataFileWriter<>(new SpecificDatumWriter<>(ArchivedRecord.class));
    file.setCodec(ArchiverSettings.codecFactory(codec));
    file.setMeta("rewind.partition", partition);
    file.setMeta("rewind.start", startOffset);
    try {
      file.create(ArchivedRecord.getClassSchema(), buffer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an in-memory segment", e);
    }
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
    return recordCount > 0 && recordBytes + sizeOf(record) > maxBytes;
  }

  /**
   * Appends a record at or after the current end.
   *
   * @param invalid the record failed validation: archived all the same, counted in the manifest
   */
  public void append(ConsumerRecord<byte[], byte[]> record, boolean invalid, long nowMs) {
    checkOpen();
    if (record.offset() < endOffset) {
      throw new IllegalArgumentException(
          "record offset " + record.offset() + " is below the segment's end " + endOffset + " (partition " + partition + ")");
    }
    List<ArchivedHeader> headers = new ArrayList<>();
    for (Header h : record.headers()) {
      headers.add(new ArchivedHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
    }
    try {
      file.append(
          new ArchivedRecord(
              record.offset(),
              record.timestamp(),
              record.key() == null ? null : ByteBuffer.wrap(record.key()),
              headers,
              record.value() == null ? null : ByteBuffer.wrap(record.value())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to an in-memory segment", e);
    }
    opened(nowMs);
    endOffset = record.offset() + 1;
    recordCount++;
    recordBytes += sizeOf(record);
    long ts = record.timestamp();
    minWriteTime = minWriteTime == null ? ts : Math.min(minWriteTime, ts);
    maxWriteTime = maxWriteTime == null ? ts : Math.max(maxWriteTime, ts);
    String table = RecordHeaders.lastString(record.headers(), RecordHeaders.TABLE);
    tables.merge(table == null ? "" : table, 1L, Long::sum);
    String schema = RecordHeaders.lastString(record.headers(), RecordHeaders.SCHEMA);
    if (schema != null) {
      schemaIds.add(schema);
    }
    if (invalid) {
      invalidRecords++;
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

  /** Open for segment.max.age.ms since its first record (or first skipped offset). */
  public boolean isOld(long nowMs) {
    return openedAt >= 0 && nowMs - openedAt >= maxAgeMs;
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

  /** Closes the container; the writer takes nothing more. */
  public SealedSegment seal() {
    checkOpen();
    sealed = true;
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close an in-memory segment", e);
    }
    return new SealedSegment(
        partition,
        startOffset,
        endOffset,
        buffer.toByteArray(),
        recordCount,
        recordBytes,
        minWriteTime,
        maxWriteTime,
        tables,
        new ArrayList<>(schemaIds),
        invalidRecords,
        codec);
  }

  private void checkOpen() {
    if (sealed) {
      throw new IllegalStateException("segment p=" + partition + " [" + startOffset + ", " + endOffset + ") is sealed");
    }
  }
}
