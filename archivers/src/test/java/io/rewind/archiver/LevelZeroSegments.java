package io.rewind.archiver;

import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.store.catalog.Covering;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.segment.SegmentFormat;
import io.rewind.store.segment.SegmentReader;
import io.rewind.store.segment.SegmentWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Level-0 segments as archivers commit them, written straight to a store with the archiver's own
 * SegmentWriter and SegmentCommitter at chosen commit times; and every record of a partition read
 * back through the index, each offset once.
 */
final class LevelZeroSegments {

  private final ObjectStore store;
  private final Random random = new Random(42);
  private final String format;
  private final SegmentKey key;

  LevelZeroSegments(ObjectStore store) {
    this(store, "columnar", null);
  }

  /**
   * @param key seals the segments (RWE1, as archivers do) when not null
   */
  LevelZeroSegments(ObjectStore store, String format, SegmentKey key) {
    this.store = store;
    this.format = format;
    this.key = key;
  }

  /**
   * A segment of {@code records} records from {@code start}, committed at {@code committedAt};
   * their lines are added to {@code lines}.
   */
  Manifest commit(int partition, long start, int records, long committedAt, List<String> lines)
      throws IOException, InterruptedException {
    SegmentWriter writer =
        new SegmentWriter(
            partition, start, 1 << 24, SegmentFormat.of(format), "zstd", 3, Runnable::run);
    for (int i = 0; i < records; i++) {
      ConsumerRecord<byte[], byte[]> r = record(partition, start + i, committedAt - 400 + i);
      writer.append(r, null, committedAt);
      lines.add(line(r.offset(), r.timestamp(), r.key(), r.value()));
    }
    return new SegmentCommitter(
            store, "a1", () -> committedAt, key, new UploadThrottle(0), ProtocolHook.NONE)
        .commit(writer.seal());
  }

  /**
   * {@code count} consecutive segments from offset {@code start}, one every {@code everyMs} from
   * {@code firstCommit}.
   */
  List<Manifest> commitMany(
      int partition,
      long start,
      int count,
      int records,
      long firstCommit,
      long everyMs,
      List<String> lines)
      throws IOException, InterruptedException {
    List<Manifest> manifests = new ArrayList<>();
    long offset = start;
    for (int i = 0; i < count; i++) {
      manifests.add(commit(partition, offset, records, firstCommit + i * everyMs, lines));
      offset += records;
    }
    return manifests;
  }

  private ConsumerRecord<byte[], byte[]> record(int partition, long offset, long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        new RecordHeader(
            io.rewind.client.kafka.RecordHeaders.TABLE, "ns:t".getBytes(StandardCharsets.UTF_8)));
    headers.add(
        new RecordHeader(
            io.rewind.client.kafka.RecordHeaders.SCHEMA,
            TestRecords.WAL_EDIT_SCHEMA.getBytes(StandardCharsets.UTF_8)));
    byte[] key = ("ns:t\0row-" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[20 + random.nextInt(40)];
    random.nextBytes(value);
    return new ConsumerRecord<>(
        TestRecords.TOPIC,
        partition,
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        key.length,
        value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  static String line(long offset, long timestamp, byte[] key, byte[] value) {
    return offset
        + " "
        + timestamp
        + " "
        + Base64.getEncoder().encodeToString(key)
        + " "
        + Base64.getEncoder().encodeToString(value);
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  /**
   * Every record of the partition's chain as the index shows it, each offset once, in offset order.
   */
  static List<String> readThroughIndex(ObjectStore store, int partition) throws IOException {
    return readThroughIndex(store, partition, null);
  }

  static List<String> readThroughIndex(ObjectStore store, int partition, SegmentKey key)
      throws IOException {
    List<Manifest> covering =
        Covering.extend(-1, new ManifestIndex(store).open(partition).all()).covering();
    List<String> lines = new ArrayList<>();
    long next = -1;
    for (Manifest m : covering) {
      try (SegmentReader reader = SegmentReader.open(store, m, key)) {
        while (reader.hasNext()) {
          ArchivedRecord r = reader.next();
          if (r.getOffset() < next) {
            continue;
          }
          lines.add(line(r.getOffset(), r.getTimestamp(), bytes(r.getKey()), bytes(r.getValue())));
        }
      }
      next = m.endOffset;
    }
    return lines;
  }
}
