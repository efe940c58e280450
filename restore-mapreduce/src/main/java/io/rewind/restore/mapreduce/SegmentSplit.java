package io.rewind.restore.mapreduce;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rewind.client.store.Json;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.mapreduce.InputSplit;

/**
 * Planned segments read by one map task, one after the other, each from its first offset on: its
 * manifest names, sizes and checksums it. Small segments share a task, so that a store of many
 * small segments does not pay a task's start for each.
 */
public final class SegmentSplit extends InputSplit implements Writable {

  private List<SegmentInputFormat.PlannedSegment> segments;

  public SegmentSplit() {}

  SegmentSplit(List<SegmentInputFormat.PlannedSegment> segments) {
    this.segments = segments;
  }

  List<SegmentInputFormat.PlannedSegment> segments() {
    return segments;
  }

  @Override
  public long getLength() {
    return segments.stream().mapToLong(s -> s.manifest().sizeBytes).sum();
  }

  /** None: an object store has no hosts to be local to. */
  @Override
  public String[] getLocations() {
    return new String[0];
  }

  @Override
  public void write(DataOutput out) throws IOException {
    Text.writeString(out, Json.MAPPER.writeValueAsString(segments));
  }

  @Override
  public void readFields(DataInput in) throws IOException {
    segments =
        Json.MAPPER.readValue(
            Text.readString(in), new TypeReference<List<SegmentInputFormat.PlannedSegment>>() {});
  }

  @Override
  public String toString() {
    return segments.size() + " segments from " + segments.get(0).manifest().segmentPath;
  }
}
