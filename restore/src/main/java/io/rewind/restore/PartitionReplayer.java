package io.rewind.restore;

import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.WalEdit;
import io.rewind.store.segment.MissingSegmentException;
import io.rewind.store.segment.SegmentReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
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

  /**
   * Per table: what it was at T (edits written at or before its replay start are in its base, or
   * gone).
   */
  private Map<String, TableTimeline.TableAtTime> tablesAt = Map.of();

  /**
   * Runs of bulk-loaded cells routed to this partition, and the file each range of their offsets
   * comes from.
   */
  private List<Path> bulkRuns = List.of();

  private NavigableMap<Long, String> bulkFiles = new TreeMap<>();

  /**
   * Commit keys of the bulk loads the restore replays: a bulk-load record of the stream in range
   * must be one.
   */
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
      ObjectStore store,
      Deserializer<WalEdit> decoder,
      long time,
      Set<String> tables,
      RestoreTarget target,
      KeyRing keys,
      RestoreProgress progress,
      SpillDirectory spill,
      long sortMemoryBytes) {
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
   * @param runs this partition's runs of bulk-loaded cells ({@link BulkLoadRuns}), handed over:
   *     deleted when replayed
   * @param planned commit keys of every bulk load the restore replays
   */
  PartitionReplayer withBulkLoads(
      List<Path> runs,
      NavigableMap<Long, String> files,
      Set<String> planned,
      Deserializer<BulkLoad> decoder) {
    this.bulkRuns = runs;
    this.bulkFiles = files;
    this.bulkLoadsPlanned = planned;
    this.bulkLoadDecoder = decoder;
    return this;
  }

  /**
   * @param replanner asked for the rest of the partition's steps when a planned segment is gone
   *     because the compactor merged it away meanwhile: its offsets are then read from the merged
   *     one
   */
  void replay(List<RestorePlan.Step> planned, String topic, Replanner replanner)
      throws IOException {
    RecordFilter filter =
        new RecordFilter(time, tables, tablesAt, bulkLoadsPlanned, bulkLoadDecoder);
    try (EditSorter sorter = new EditSorter(sortMemoryBytes, spill)) {
      bulkRuns.forEach(sorter::addRun);
      List<RestorePlan.Step> steps = new ArrayList<>();
      List<RestorePlan.Step> remaining = planned;
      for (int i = 0; i < remaining.size(); i++) {
        RestorePlan.Step step = remaining.get(i);
        try {
          scan(step, sorter, filter);
          steps.add(step);
        } catch (MissingSegmentException e) {
          List<RestorePlan.Step> replanned = replanner.stepsFrom(step.fromOffset());
          if (replanned.isEmpty()
              || replanned.get(0).manifest().segmentPath.equals(step.manifest().segmentPath)) {
            throw e; // not merged away: the store lost it
          }
          LOG.info(
              "{} was merged into {} since the restore was planned: read from there",
              step.manifest().segmentPath,
              replanned.get(0).manifest().segmentPath);
          segmentsMergedAway++;
          remaining = replanned;
          i = -1;
        }
      }
      SortedReplay replay =
          new SortedReplay(
              decoder,
              topic,
              time,
              tables,
              tablesAt,
              target,
              offset -> sourceOf(steps, offset),
              SortedReplay.batchBytes(sortMemoryBytes));
      replay.replay(sorter.sorted());
      editsApplied += replay.editsApplied;
      duplicatesSkipped += replay.duplicatesSkipped;
      recordsAfterTime += replay.recordsAfterTime;
      invalidRecords += replay.invalidRecords;
      runsSpilled = sorter.runsWritten();
      bytesSpilled = sorter.spilledBytes();
      if (runsSpilled > 0 && !steps.isEmpty()) {
        LOG.info(
            "partition {}: sorted through {} runs, {} bytes spilled to {}",
            steps.get(0).manifest().partition,
            runsSpilled,
            bytesSpilled,
            spill.path());
      }
    }
  }

  /**
   * Reads one segment, keeping its records to replay in the sorter; the segment is verified when
   * this returns.
   */
  private void scan(RestorePlan.Step step, EditSorter sorter, RecordFilter filter)
      throws IOException {
    String segment = step.manifest().segmentPath;
    try (SegmentReader reader = SegmentReader.open(store, step.manifest(), keys)) {
      int sinceCheck = 0;
      while (reader.hasNext()) {
        ArchivedRecord record = reader.next();
        progress.recordRead();
        if (++sinceCheck == CHECK_EVERY) {
          sinceCheck = 0;
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("restore interrupted while reading " + segment);
          }
        }
        switch (filter.classify(segment, step.fromOffset(), record)) {
          case KEEP -> sorter.add(record.getKey(), record.getOffset(), record.getValue());
          case AFTER_TIME -> recordsAfterTime++;
          case INVALID -> invalidRecords++;
          case SKIP, BULK_LOAD -> {}
        }
      }
    }
    progress.segmentRead(step.manifest().sizeBytes);
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
    throw new IllegalStateException(
        "offset " + offset + " lies in no planned segment of the partition");
  }
}
