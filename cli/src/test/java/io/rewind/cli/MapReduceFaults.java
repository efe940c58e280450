package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.HBaseTarget;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreOptions;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.TableMapping;
import io.rewind.restore.mapreduce.MapReduceEngine;
import io.rewind.restore.mapreduce.RestoreReducer;
import io.rewind.restore.mapreduce.RowEditKey;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.stack.MapReduceMiniCluster;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.TaskAttemptContext;

/**
 * A MapReduce restore whose first map task and first reduce task each fail on their first attempt:
 * the mapper after it has read its whole segment and written its output, the reducer after it has
 * written all its HFiles, before either attempt commits. YARN retries both.
 */
final class MapReduceFaults {

  private MapReduceFaults() {}

  record Run(RestoreReport report, MapReduceEngine.Stats stats) {}

  static Run restore(
      RewindConfig config,
      HBaseMiniCluster hbase,
      MapReduceMiniCluster yarn,
      long t,
      List<String> tables,
      String targetNamespace)
      throws IOException {
    try (ObjectStore store = ObjectStore.open(config)) {
      Restore restore =
          new Restore(
              store, new KafkaClients(config).serdes(), new Topics(config.topicPrefix()).edits());
      var at = restore.tablesAt(t, tables);
      TableMapping mapping =
          TableMapping.of(
              tables,
              TableMapping.parse(
                  tables.stream()
                      .map(s -> s + "=" + targetNamespace + ":" + OracleRestores.qualifier(s))
                      .collect(Collectors.toList())));
      HBaseTarget target =
          HBaseTarget.open(hbase.connection(), mapping, Restore.descriptors(at), false);
      MapReduceEngine engine =
          new MapReduceEngine(yarn.configuration(), config, hbase.connection(), null)
              .withTasks(FailFirstAttemptMapper.class, FailFirstAttemptReducer.class);
      RestoreReport report =
          restore.withEngine(engine).run(new RestoreOptions(t, tables, 2, false), target);
      return new Run(report, engine.stats());
    }
  }

  static boolean firstAttemptOfFirstTask(TaskAttemptContext context) {
    return context.getTaskAttemptID().getTaskID().getId() == 0
        && context.getTaskAttemptID().getId() == 0;
  }

  /** Passes every edit on, then fails its first attempt of task 0 before it commits. */
  public static final class FailFirstAttemptMapper
      extends Mapper<RowEditKey, BytesWritable, RowEditKey, BytesWritable> {
    @Override
    protected void cleanup(Context context) throws IOException {
      if (firstAttemptOfFirstTask(context)) {
        throw new IOException(
            "injected: map attempt "
                + context.getTaskAttemptID()
                + " fails after its output was written");
      }
    }
  }

  /** Writes all its HFiles, then fails its first attempt of task 0 before it commits. */
  public static final class FailFirstAttemptReducer extends RestoreReducer {
    @Override
    public void run(Context context) throws IOException, InterruptedException {
      super.run(context);
      if (firstAttemptOfFirstTask(context)) {
        throw new IOException(
            "injected: reduce attempt "
                + context.getTaskAttemptID()
                + " fails after its HFiles were written");
      }
    }
  }
}
