package io.rewind.base.mapreduce;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rewind.client.store.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;

/**
 * The files a base copies, in groups of about equal bytes, one per map task (as ExportSnapshot
 * groups a snapshot's files): largest file first, each into the group holding the fewest bytes so
 * far. Files already stored (reused) are not in the plan. Splits are computed where the job is
 * submitted, from the plan file the driver wrote there.
 */
public final class FileGroupInputFormat extends InputFormat<IntWritable, Text> {

  static final String PLAN_FILE = MapReduceBaseCopy.PREFIX + "plan.file";
  static final String TASKS = MapReduceBaseCopy.PREFIX + "tasks";

  static void writePlan(Path file, List<PlannedCopy> copies) throws IOException {
    Json.MAPPER.writeValue(file.toFile(), copies);
  }

  @Override
  public List<InputSplit> getSplits(JobContext context) throws IOException {
    String plan = context.getConfiguration().get(PLAN_FILE);
    if (plan == null || !Files.isRegularFile(Path.of(plan))) {
      throw new IOException(
          "no base copy plan at "
              + plan
              + ": this job is submitted by rewind base --engine mapreduce");
    }
    List<PlannedCopy> copies =
        new ArrayList<>(
            Json.MAPPER.readValue(
                Path.of(plan).toFile(), new TypeReference<List<PlannedCopy>>() {}));
    return groups(copies, context.getConfiguration().getInt(TASKS, 1)).stream()
        .map(g -> (InputSplit) new FileGroupSplit(g))
        .toList();
  }

  /** At most {@code tasks} groups of about equal bytes, none empty. */
  static List<List<PlannedCopy>> groups(List<PlannedCopy> copies, int tasks) {
    copies.sort(Comparator.comparingLong((PlannedCopy c) -> c.source().size()).reversed());
    int n = Math.max(1, Math.min(tasks, copies.size()));
    List<List<PlannedCopy>> groups = new ArrayList<>();
    PriorityQueue<long[]> lightest =
        new PriorityQueue<>(
            Comparator.comparingLong((long[] g) -> g[0]).thenComparingLong(g -> g[1]));
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
      lightest.add(new long[] {0, i});
    }
    for (PlannedCopy c : copies) {
      long[] g = lightest.poll();
      groups.get((int) g[1]).add(c);
      g[0] += c.source().size();
      lightest.add(g);
    }
    groups.removeIf(List::isEmpty);
    return groups;
  }

  @Override
  public RecordReader<IntWritable, Text> createRecordReader(
      InputSplit split, TaskAttemptContext context) {
    return new RecordReader<>() {
      private List<PlannedCopy> files;
      private int next;
      private final IntWritable key = new IntWritable();
      private final Text value = new Text();

      @Override
      public void initialize(InputSplit s, TaskAttemptContext c) {
        files = ((FileGroupSplit) s).files();
      }

      @Override
      public boolean nextKeyValue() throws IOException {
        if (next == files.size()) {
          return false;
        }
        PlannedCopy f = files.get(next++);
        key.set(f.index());
        value.set(Json.MAPPER.writeValueAsString(f));
        return true;
      }

      @Override
      public IntWritable getCurrentKey() {
        return key;
      }

      @Override
      public Text getCurrentValue() {
        return value;
      }

      @Override
      public float getProgress() {
        return files == null || files.isEmpty() ? 1f : (float) next / files.size();
      }

      @Override
      public void close() {}
    };
  }
}
