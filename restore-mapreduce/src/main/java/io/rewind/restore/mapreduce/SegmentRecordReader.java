package io.rewind.restore.mapreduce;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.RecordFilter;
import io.rewind.restore.Restore;
import io.rewind.restore.RestorePlan;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.BulkLoad;
import io.rewind.store.segment.MissingSegmentException;
import io.rewind.store.segment.SegmentReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one planned segment through {@link SegmentReader} (one known-length open, SHA-256 and size
 * checked against the manifest once the last record is read) and yields the records the restore
 * replays ({@link RecordFilter}), undecoded: key {@code table 0x00 row} with the record's offset,
 * value the edit's bytes. A segment the compactor merged away since the plan is read from the
 * segments the partition's index now names, for the split's offsets only.
 */
final class SegmentRecordReader extends RecordReader<RowEditKey, BytesWritable> {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentRecordReader.class);

  private final RowEditKey key = new RowEditKey();
  private final BytesWritable value = new BytesWritable();
  private SegmentSplit split;

  /** The split's segments still to read. */
  private final Deque<SegmentInputFormat.PlannedSegment> pending = new ArrayDeque<>();

  private long plannedRecords;
  private ObjectStore store;
  private KeyRing keys;
  private RecordFilter filter;
  private long time;
  private long floor;

  /** The planned segment's offsets end here: a merged segment read instead may hold more. */
  private long endOffset;

  /** The next offset to read: where a re-plan starts when a segment is gone. */
  private long nextOffset;

  private final Deque<RestorePlan.Step> steps = new ArrayDeque<>();
  private String segment;
  private long segmentFrom;
  private long segmentBytes;
  private SegmentReader reader;
  private long recordsRead;
  private Counter read;
  private Counter kept;
  private Counter afterTime;
  private Counter invalid;
  private Counter mergedAway;
  private Counter bytesRead;

  @Override
  public void initialize(InputSplit inputSplit, TaskAttemptContext context) throws IOException {
    split = (SegmentSplit) inputSplit;
    Configuration conf = context.getConfiguration();
    RewindConfig config = JobSettings.config(conf);
    store = ObjectStore.open(config);
    keys = KeyRing.fromConfig(config);
    time = JobSettings.time(conf);
    floor = JobSettings.floor(conf);
    filter =
        new RecordFilter(
            time,
            JobSettings.tables(conf),
            JobSettings.tablesAt(conf),
            JobSettings.bulkLoadsPlanned(conf),
            new KafkaClients(config).serdes().deserializer(BulkLoad.class));
    pending.addAll(split.segments());
    split.segments().forEach(s -> plannedRecords += s.manifest().recordCount);
    read = context.getCounter(RestoreCounters.RECORDS_READ);
    kept = context.getCounter(RestoreCounters.EDITS_KEPT);
    afterTime = context.getCounter(RestoreCounters.RECORDS_AFTER_TIME);
    invalid = context.getCounter(RestoreCounters.INVALID_RECORDS);
    mergedAway = context.getCounter(RestoreCounters.SEGMENTS_MERGED_AWAY);
    bytesRead = context.getCounter(RestoreCounters.SEGMENT_BYTES_READ);
    openNextPlanned();
  }

  /** Opens the split's next planned segment; false when none is left. */
  private boolean openNextPlanned() throws IOException {
    SegmentInputFormat.PlannedSegment next = pending.poll();
    if (next == null) {
      return false;
    }
    endOffset = next.manifest().endOffset;
    nextOffset = next.fromOffset();
    steps.clear();
    open(next.manifest(), next.fromOffset());
    return true;
  }

  private void open(Manifest manifest, long from) throws IOException {
    try {
      reader = SegmentReader.open(store, manifest, keys);
      segment = manifest.segmentPath;
      segmentFrom = from;
      segmentBytes = manifest.sizeBytes;
    } catch (MissingSegmentException e) {
      replan(manifest, e);
    }
  }

  /** The segment is gone: read the rest of its planned offsets from the segments that merged it. */
  private void replan(Manifest gone, MissingSegmentException e) throws IOException {
    steps.clear();
    for (RestorePlan.Step s : Restore.replan(store, gone.partition, nextOffset, time, floor)) {
      if (s.fromOffset() < endOffset) {
        steps.add(s);
      }
    }
    if (steps.isEmpty() || steps.peek().manifest().segmentPath.equals(gone.segmentPath)) {
      throw e; // not merged away: the store lost it
    }
    LOG.info(
        "{} was merged into {} since the restore was planned: read from there",
        gone.segmentPath,
        steps.peek().manifest().segmentPath);
    mergedAway.increment(1);
    reader = null;
    RestorePlan.Step next = steps.poll();
    open(next.manifest(), next.fromOffset());
  }

  @Override
  public boolean nextKeyValue() throws IOException {
    while (true) {
      if (reader == null) {
        return false;
      }
      ArchivedRecord record;
      try {
        if (!reader.hasNext()) {
          reader.close();
          bytesRead.increment(segmentBytes);
          reader = null;
          RestorePlan.Step next = steps.poll();
          if (next != null) {
            open(next.manifest(), Math.max(next.fromOffset(), nextOffset));
          } else {
            openNextPlanned();
          }
          continue;
        }
        record = reader.next();
      } catch (MissingSegmentException e) {
        reader.close();
        replan(reader.manifest(), e);
        continue;
      }
      recordsRead++;
      read.increment(1);
      if (record.getOffset() >= endOffset || record.getOffset() < nextOffset) {
        continue;
      }
      nextOffset = record.getOffset() + 1;
      switch (filter.classify(segment, segmentFrom, record)) {
        case KEEP -> {
          ByteBuffer k = record.getKey();
          byte[] kb = new byte[k.remaining()];
          k.duplicate().get(kb);
          key.set(kb, kb.length, record.getOffset());
          ByteBuffer v = record.getValue().duplicate();
          value.setSize(v.remaining());
          v.get(value.getBytes(), 0, value.getLength());
          kept.increment(1);
          return true;
        }
        case AFTER_TIME -> afterTime.increment(1);
        case INVALID -> invalid.increment(1);
        case SKIP, BULK_LOAD -> {}
      }
    }
  }

  @Override
  public RowEditKey getCurrentKey() {
    return key;
  }

  @Override
  public BytesWritable getCurrentValue() {
    return value;
  }

  @Override
  public float getProgress() {
    return Math.min(1f, (float) recordsRead / Math.max(1, plannedRecords));
  }

  @Override
  public void close() throws IOException {
    try {
      if (reader != null) {
        reader.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }
}
