package io.rewind.restore.mapreduce;

import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;

/**
 * The restore's planned segments and the files of the bulk loads it replays as input splits,
 * largest first (so the longest map tasks start first): consecutive segments of the plan (a
 * partition's in offset order) share a split up to {@link #SPLIT_BYTES}; each bulk-loaded file is
 * its own. The plan comes from the manifest index, as for the local engine; splits are computed
 * where the job is submitted, from the plan file the driver wrote there.
 */
public final class SegmentInputFormat extends InputFormat<RowEditKey, BytesWritable> {

  /** One planned step: a segment's manifest and the offset its replay starts at. */
  record PlannedSegment(Manifest manifest, long fromOffset) {}

  /**
   * One file of a bulk load replayed with the stream, its edits' offsets from {@code firstOffset}
   * on.
   */
  record PlannedFile(BulkLoadManifest load, int file, long firstOffset) {}

  /** What the job reads. */
  record Plan(List<PlannedSegment> segments, List<PlannedFile> files) {}

  /**
   * Segment bytes a map task reads at most (a larger segment is read alone): Rewind's
   * restore.mapreduce.split.bytes.
   */
  static final String SPLIT_BYTES = JobSettings.PREFIX + "split.bytes";

  static final long DEFAULT_SPLIT_BYTES = 128L << 20;

  static void writePlan(Path file, Plan plan) throws IOException {
    Json.MAPPER.writeValue(file.toFile(), plan);
  }

  @Override
  public List<InputSplit> getSplits(JobContext context) throws IOException {
    String plan = context.getConfiguration().get(JobSettings.PLAN_FILE);
    if (plan == null || !Files.isRegularFile(Path.of(plan))) {
      throw new IOException(
          "no restore plan at "
              + plan
              + ": this job is submitted by rewind restore --engine mapreduce");
    }
    Plan planned = Json.MAPPER.readValue(Path.of(plan).toFile(), Plan.class);
    List<InputSplit> splits = new ArrayList<>();
    planned
        .files()
        .forEach(f -> splits.add(new BulkLoadFileSplit(f.load(), f.file(), f.firstOffset())));
    groups(planned.segments(), context.getConfiguration().getLong(SPLIT_BYTES, DEFAULT_SPLIT_BYTES))
        .forEach(g -> splits.add(new SegmentSplit(g)));
    splits.sort((a, b) -> Long.compare(length(b), length(a)));
    return splits;
  }

  /**
   * Consecutive segments, in plan order, up to {@code splitBytes} a group; a larger segment alone.
   */
  static List<List<PlannedSegment>> groups(List<PlannedSegment> segments, long splitBytes) {
    List<List<PlannedSegment>> groups = new ArrayList<>();
    List<PlannedSegment> group = new ArrayList<>();
    long groupBytes = 0;
    for (PlannedSegment s : segments) {
      if (!group.isEmpty() && groupBytes + s.manifest().sizeBytes > splitBytes) {
        groups.add(group);
        group = new ArrayList<>();
        groupBytes = 0;
      }
      group.add(s);
      groupBytes += s.manifest().sizeBytes;
    }
    if (!group.isEmpty()) {
      groups.add(group);
    }
    return groups;
  }

  private static long length(InputSplit split) {
    return split instanceof SegmentSplit s
        ? s.getLength()
        : ((BulkLoadFileSplit) split).getLength();
  }

  @Override
  public RecordReader<RowEditKey, BytesWritable> createRecordReader(
      InputSplit split, TaskAttemptContext context) {
    return split instanceof BulkLoadFileSplit
        ? new BulkLoadFileReader()
        : new SegmentRecordReader();
  }
}
