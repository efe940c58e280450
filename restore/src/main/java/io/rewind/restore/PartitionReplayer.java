package io.rewind.restore;

import io.rewind.core.kafka.RecordHeaders;
import io.rewind.core.segment.KeyRing;
import io.rewind.core.segment.MissingSegmentException;
import io.rewind.core.segment.SegmentReader;
import io.rewind.core.store.ObjectStore;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.WalEdit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one partition's planned segments. Every edit of a row lives in one partition (the key is
 * table + row), so a partition's rows are complete and partitions replay independently.
 *
 * <p>Two phases. The scan reads the segments in offset order and keeps, undecoded, each record
 * written at or before T, of a table asked for and after its base, in an external sort by key
 * ({@link EditSorter}: bounded memory, spilling sorted runs to disk). Nothing reaches the target
 * before the scan has read, and so verified, every segment of the partition: a damaged segment
 * fails the restore before any of its partition's rows are applied. The replay then reads the
 * sorted records back ({@link SortedReplay}): one row after the other, in row order.
 */
final class PartitionReplayer {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionReplayer.class);
  /** Records read between two checks for a cancelled restore. */
  private static final int CHECK_EVERY = 4096;

  private final ObjectStore store;
  private final EditDecoder decoder;
  private final long time;
  private final Set<String> tables;
  private final RestoreTarget target;
  private final KeyRing keys;
  private final RestoreProgress progress;
  private final SpillDirectory spill;
  private final long sortMemoryBytes;
  /** Per table: what it was at T (edits written at or before its replay start are in its base, or gone). */
  private Map<String, TableTimeline.TableAtTime> tablesAt = Map.of();
  /** Runs of bulk-loaded cells routed to this partition, and the file each range of their offsets comes from. */
  private List<java.nio.file.Path> bulkRuns = List.of();
  private java.util.NavigableMap<Long, String> bulkFiles = new java.util.TreeMap<>();
  /** Commit keys of the bulk loads the restore replays: a bulk-load record of the stream in range must be one. */
  private Set<String> bulkLoadsPlanned = Set.of();
  private Deserializer<BulkLoad> bulkLoadDecoder;

  long editsApplied;
  long duplicatesSkipped;
  long recordsAfterTime;
  long invalidRecords;
  int runsSpilled;
  long bytesSpilled;
  int segmentsMergedAway;

  /** Plans the rest of a partition again, from the index as it is now, from an offset on. */
  @FunctionalInterface
  interface Replanner {
    List<RestorePlan.Step> stepsFrom(long offset) throws IOException;
  }

  PartitionReplayer(
      ObjectStore store, Deserializer<WalEdit> decoder, long time, Set<String> tables, RestoreTarget target, KeyRing keys,
      RestoreProgress progress, SpillDirectory spill, long sortMemoryBytes) {
    this.store = store;
    this.decoder = new EditDecoder(decoder);
    this.time = time;
    this.tables = tables;
    this.target = target;
    this.keys = keys;
    this.progress = progress;
    this.spill = spill;
    this.sortMemoryBytes = sortMemoryBytes;
  }

  PartitionReplayer withTables(Map<String, TableTimeline.TableAtTime> tablesAt) {
    this.tablesAt = tablesAt;
    return this;
  }

  /**
   * @param runs this partition's runs of bulk-loaded cells ({@link BulkLoadRuns}), handed over: deleted when replayed
   * @param planned commit keys of every bulk load the restore replays
   */
  PartitionReplayer withBulkLoads(List<java.nio.file.Path> runs, java.util.NavigableMap<Long, String> files, Set<String> planned,
      Deserializer<BulkLoad> decoder) {
    this.bulkRuns = runs;
    this.bulkFiles = files;
    this.bulkLoadsPlanned = planned;
    this.bulkLoadDecoder = decoder;
    return this;
  }

  /**
   * @param replanner asked for the rest of the partition's steps when a planned segment is gone
   *     because the compactor merged it away meanwhile: its offsets are then read from the merged one
   */
  void replay(List<RestorePlan.Step> planned, String topic, Replanner replanner) throws IOException {
    try (EditSorter sorter = new EditSorter(sortMemoryBytes, spill)) {
      bulkRuns.forEach(sorter::addRun);
      List<RestorePlan.Step> steps = new ArrayList<>();
      List<RestorePlan.Step> remaining = planned;
      for (int i = 0; i < remaining.size(); i++) {
        RestorePlan.Step step = remaining.get(i);
        try {
          scan(step, sorter);
          steps.add(step);
        } catch (MissingSegmentException e) {
          List<RestorePlan.Step> replanned = replanner.stepsFrom(step.fromOffset());
          if (replanned.isEmpty() || replanned.get(0).manifest().segmentPath.equals(step.manifest().segmentPath)) {
            throw e; // not merged away: the store lost it
          }
          LOG.info("{} was merged into {} since the restore was planned: read from there", step.manifest().segmentPath,
              replanned.get(0).manifest().segmentPath);
          segmentsMergedAway++;
          remaining = replanned;
          i = -1;
        }
      }
      SortedReplay replay = new SortedReplay(decoder, topic, time, tables, tablesAt, target, offset -> sourceOf(steps, offset),
          SortedReplay.batchBytes(sortMemoryBytes));
      replay.replay(sorter.sorted());
      editsApplied += replay.editsApplied;
      duplicatesSkipped += replay.duplicatesSkipped;
      recordsAfterTime += replay.recordsAfterTime;
      invalidRecords += replay.invalidRecords;
      runsSpilled = sorter.runsWritten();
      bytesSpilled = sorter.spilledBytes();
      if (runsSpilled > 0 && !steps.isEmpty()) {
        LOG.info("partition {}: sorted through {} runs, {} bytes spilled to {}", steps.get(0).manifest().partition, runsSpilled,
            bytesSpilled, spill.path());
      }
    }
  }

  /** Reads one segment, keeping its records to replay in the sorter; the segment is verified when this returns. */
  private void scan(RestorePlan.Step step, EditSorter sorter) throws IOException {
    boolean filterTables = !tables.isEmpty();
    boolean filterBases = tablesAt.values().stream().anyMatch(a -> a.replayAfter() != Long.MIN_VALUE);
    try (SegmentReader reader = SegmentReader.open(store, step.manifest(), keys)) {
      int sinceCheck = 0;
      while (reader.hasNext()) {
        ArchivedRecord record = reader.next();
        progress.recordRead();
        if (++sinceCheck == CHECK_EVERY) {
          sinceCheck = 0;
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("restore interrupted while reading " + step.manifest().segmentPath);
          }
        }
        if (record.getOffset() < step.fromOffset()) {
          continue;
        }
        if (record.getTimestamp() > time) {
          recordsAfterTime++;
          continue;
        }
        // The record's timestamp is its edit's write time, its table header the edit's table: both
        // are checked again once decoded; here they spare the sort the records not replayed.
        String table = filterTables || filterBases ? header(record, RecordHeaders.TABLE) : null;
        if (filterTables && table != null && !tables.contains(table)) {
          continue;
        }
        TableTimeline.TableAtTime at = table == null ? null : tablesAt.get(table);
        if (at != null && record.getTimestamp() <= at.replayAfter()) {
          continue;
        }
        if (RecordHeaders.KIND_BULK_LOAD.equals(header(record, RecordHeaders.KIND))) {
          checkPlanned(step, record);
          continue;
        }
        if (record.getValue() == null) {
          invalidRecords++;
          LOG.warn("{} offset {}: record without a value, not an edit; skipped (it was also sent to the dead-letter topic when archived)",
              step.manifest().segmentPath, record.getOffset());
          continue;
        }
        sorter.add(record.getKey(), record.getOffset(), record.getValue());
      }
    }
    progress.segmentRead(step.manifest().sizeBytes);
  }

  /**
   * A bulk-load record the stream holds within the replayed range of a restored table: the restore
   * replays its cells from its commit in the store, which the endpoint wrote before it published the
   * record, so a record without a planned commit means the store lost the commit.
   */
  private void checkPlanned(RestorePlan.Step step, ArchivedRecord record) throws IOException {
    if (record.getValue() == null || bulkLoadDecoder == null) {
      return;
    }
    BulkLoad load;
    try {
      byte[] value = new byte[record.getValue().remaining()];
      record.getValue().duplicate().get(value);
      load = bulkLoadDecoder.deserialize(RecordHeaders.KIND_BULK_LOAD, value);
    } catch (RuntimeException e) {
      invalidRecords++;
      LOG.warn("{} offset {}: a bulk-load record that does not decode ({}); counted as invalid", step.manifest().segmentPath,
          record.getOffset(), e.getMessage());
      return;
    }
    TableTimeline.TableAtTime at = tablesAt.get(load.getTable());
    boolean replayed = (tables.isEmpty() || tables.contains(load.getTable())) && at != null && at.exists()
        && load.getWriteTime() > at.replayAfter();
    if (replayed && !bulkLoadsPlanned.contains(load.getCommitKey())) {
      throw new IOException(step.manifest().segmentPath + " offset " + record.getOffset() + " records a bulk load into " + load.getTable()
          + " (region " + load.getRegion() + ", " + load.getFiles().size() + " files) whose commit " + load.getCommitKey()
          + " is not in the store: its cells cannot be restored. Restore to a time before "
          + io.rewind.core.time.TimeParser.format(load.getWriteTime()) + ", or take a base of " + load.getTable()
          + " (rewind base) and restore to a time after it");
    }
  }

  /** The segment or bulk-loaded file an entry at this offset was read from. */
  private String sourceOf(List<RestorePlan.Step> steps, long offset) {
    if (offset >= BulkLoadRuns.FIRST_OFFSET) {
      Map.Entry<Long, String> file = bulkFiles.floorEntry(offset);
      return file == null ? "a bulk-loaded file" : file.getValue();
    }
    return segmentOf(steps, offset);
  }

  /** The segment a record at this offset was read from: the step whose range holds it. */
  static String segmentOf(List<RestorePlan.Step> steps, long offset) {
    for (RestorePlan.Step step : steps) {
      if (offset >= step.fromOffset() && offset < step.manifest().endOffset) {
        return step.manifest().segmentPath;
      }
    }
    throw new IllegalStateException("offset " + offset + " lies in no planned segment of the partition");
  }

  /** The value of the record's first header named {@code key}, or null without one. */
  static String header(ArchivedRecord record, String key) {
    for (ArchivedHeader h : record.getHeaders()) {
      if (h.getKey().equals(key) && h.getValue() != null) {
        ByteBuffer v = h.getValue().duplicate();
        byte[] b = new byte[v.remaining()];
        v.get(b);
        return new String(b, StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
