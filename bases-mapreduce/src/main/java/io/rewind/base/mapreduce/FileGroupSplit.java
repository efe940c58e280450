package io.rewind.base.mapreduce;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rewind.client.store.Json;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.mapreduce.InputSplit;

/** A group of a base's files copied by one map task. */
public final class FileGroupSplit extends InputSplit implements Writable {

  private List<PlannedCopy> files = new ArrayList<>();

  public FileGroupSplit() {}

  FileGroupSplit(List<PlannedCopy> files) {
    this.files = files;
  }

  List<PlannedCopy> files() {
    return files;
  }

  @Override
  public long getLength() {
    return files.stream().mapToLong(f -> f.source().size()).sum();
  }

  /**
   * None: the task reads from the cluster's file system wherever it runs, and writes to the object
   * store.
   */
  @Override
  public String[] getLocations() {
    return new String[0];
  }

  @Override
  public void write(DataOutput out) throws IOException {
    Text.writeString(out, Json.MAPPER.writeValueAsString(files));
  }

  @Override
  public void readFields(DataInput in) throws IOException {
    files = Json.MAPPER.readValue(Text.readString(in), new TypeReference<List<PlannedCopy>>() {});
  }
}
