package io.rewind.restore.mapreduce;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.store.Json;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.mapreduce.InputSplit;

/**
 * One file of a captured bulk load the restore replays, read by one map task: its cells become
 * edits with offsets from {@code firstOffset} on, in the order the local engine gives them.
 */
public final class BulkLoadFileSplit extends InputSplit implements Writable {

  private BulkLoadManifest load;
  private int file;
  private long firstOffset;

  public BulkLoadFileSplit() {}

  BulkLoadFileSplit(BulkLoadManifest load, int file, long firstOffset) {
    this.load = load;
    this.file = file;
    this.firstOffset = firstOffset;
  }

  BulkLoadManifest load() {
    return load;
  }

  BaseImageFile file() {
    return load.files.get(file);
  }

  long firstOffset() {
    return firstOffset;
  }

  @Override
  public long getLength() {
    return file().size;
  }

  @Override
  public String[] getLocations() {
    return new String[0];
  }

  @Override
  public void write(DataOutput out) throws IOException {
    Text.writeString(out, Json.MAPPER.writeValueAsString(load));
    out.writeInt(file);
    out.writeLong(firstOffset);
  }

  @Override
  public void readFields(DataInput in) throws IOException {
    load = Json.MAPPER.readValue(Text.readString(in), BulkLoadManifest.class);
    file = in.readInt();
    firstOffset = in.readLong();
  }

  @Override
  public String toString() {
    return file().key + " (" + load + ")";
  }
}
