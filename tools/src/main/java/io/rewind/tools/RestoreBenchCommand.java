package io.rewind.tools;

import io.rewind.cli.RestoreCommand;
import io.rewind.cli.RunOptions;
import io.rewind.cli.StoreRequestsField;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.restore.BulkLoadTarget;
import io.rewind.restore.HBaseTarget;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreOptions;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.RestoreTarget;
import io.rewind.restore.SortSettings;
import io.rewind.restore.TableMapping;
import io.rewind.restore.mapreduce.MapReduceEngine;
import io.rewind.schemas.Cell;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.MapReduceMiniCluster;
import io.rewind.testkit.archive.SyntheticArchive;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.CompactionState;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench restore}: restore throughput against its baseline on the embedded stack's
 * HBase mini cluster. The same archived edits ({@link SyntheticArchive}, written into the store)
 * are written, in one run: by a plain BufferedMutator loop straight into a table (the baseline,
 * timed from the first put to the mutator's close, after an untimed warm-up pass of the same loop
 * into a scratch table), by a restore through the put path, and by a restore through the bulk-load
 * path (each timed from reading the store to the last cell written). Between the runs, untimed, the
 * table just written is flushed and its compactions awaited, so that no run pays for the previous
 * one's deferred work. Every target table is created from the same descriptor (four regions). The
 * restore's put path sends one Put per row (all its versions), the baseline one per edit, as a
 * plain client writing the edits would. The bulk path stages its HFiles on the cluster's file
 * system, as an operator passes --bulkload-dir, so the region server moves them into the table
 * instead of copying them.
 *
 * <p>With {@code --engine mapreduce} the same edits are restored twice in one run, into tables of
 * the same shape: by the local engine's bulk-load path and by the MapReduce engine's job on a mini
 * YARN cluster started beside HBase (its HDFS), each timed from reading the store to the last HFile
 * loaded; the report gives both rates, the job's tasks and its overhead (submission to first task).
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description =
        "Restore throughput (put path and bulk-load path) against a plain BufferedMutator loop over the same edits.")
final class RestoreBenchCommand implements Callable<Integer> {

  static final double GOAL_RATIO_PUTS = 0.9;
  static final double GOAL_RATIO_BULKLOAD = 3;

  /**
   * The MapReduce engine against the local one on this machine: its overhead stays small beside
   * what many hosts add.
   */
  static final double GOAL_RATIO_MAPREDUCE = 0.5;

  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A large restore, what the bulk-load path is for: its fixed costs (the load, JIT) are small
   * against it.
   */
  @Option(names = "--edits", description = "Archived edits to restore (default: ${DEFAULT-VALUE}).")
  int edits = 1_000_000;

  /** Sorted runs the last timed restore spilled. */
  private long runsSpilled;

  @Mixin SyntheticRestoreOptions shape;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      description =
          "local (default): the put and bulk-load paths against a BufferedMutator loop; mapreduce: the local engine's bulk-load"
              + " path against the MapReduce engine on a mini YARN cluster.")
  RestoreCommand.Engine engine = RestoreCommand.Engine.local;

  @Option(
      names = "--split-bytes",
      paramLabel = "BYTES",
      description =
          "restore.mapreduce.split.bytes of the MapReduce restore: segment bytes per map task (default: ${DEFAULT-VALUE},"
              + " about a partition's share of the default archive, so that the maps read in parallel).")
  long splitBytes = 16L << 20;

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (engine == RestoreCommand.Engine.mapreduce) {
      return mapReduce();
    }
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-restore-",
        (dir, report) -> {
          try (EmbeddedStack stack =
                  EmbeddedStack.builder()
                      .workDir(dir.resolve("stack"))
                      .editsPartitions(shape.partitions)
                      .withHBase(true)
                      .hbaseRegionServers(1)
                      .hbasePeer(false)
                      .start();
              ObjectStore store = ObjectStore.open(stack.config())) {
            KafkaClients clients = new KafkaClients(stack.config());
            List<WalEdit> archived = new ArrayList<>(edits);
            SyntheticArchive.write(
                store,
                clients.serdes(),
                shape.partitions,
                edits,
                shape.valueBytes,
                shape.seed,
                archived::add);
            Restore restore =
                new Restore(store, clients.serdes(), clients.topics().edits())
                    .withSort(SortSettings.defaults().withMemoryBytes(shape.sortMemory));
            Connection connection = stack.hbase().orElseThrow().connection();
            Map<String, TableDescriptor> descriptors = restore.descriptors();
            long time = restore.range(restore.catalog()).checkpoint();

            // Warm-up (JIT, connection, region locations): the same loop into a scratch table,
            // untimed.
            HBaseTarget.open(connection, mapping("bench_warmup:t"), descriptors, false).finish();
            rawPuts(connection, "bench_warmup:t", archived);
            settle(connection, "bench_warmup:t");
            HBaseTarget.open(connection, mapping("bench_raw:t"), descriptors, false).finish();
            double rawSeconds = rawPuts(connection, "bench_raw:t", archived);
            settle(connection, "bench_raw:t");
            // Only the baseline reads the edits from memory; a restore starts from the store alone.
            archived = null;

            HBaseTarget puts =
                HBaseTarget.open(connection, mapping("bench_puts:t"), descriptors, false);
            StoreRequests beforeRestore = store.requests();
            double putSeconds = timedRestore(restore, time, puts);
            StoreRequests oneRestore = store.requests().minus(beforeRestore);
            settle(connection, "bench_puts:t");

            HBaseTarget bulkTables =
                HBaseTarget.open(connection, mapping("bench_bulk:t"), descriptors, false);
            // Staged on the cluster's file system, as an operator would (--bulkload-dir
            // hdfs://...): the load moves the files.
            Path staging =
                FileSystem.get(connection.getConfiguration())
                    .makeQualified(new Path("/tmp/rewind-bench-bulkload"));
            double bulkSeconds =
                timedRestore(restore, time, BulkLoadTarget.open(bulkTables, staging));

            double rawRate = edits / rawSeconds;
            double putRate = edits / putSeconds;
            double bulkRate = edits / bulkSeconds;
            report.put("edits", edits);
            shape.report(report);
            report.put("sort_runs_spilled", runsSpilled);
            report.put("raw_puts_per_sec", Math.round(rawRate));
            report.put("restore_puts_per_sec", Math.round(putRate));
            report.put("restore_bulkload_per_sec", Math.round(bulkRate));
            report.put("ratio_puts", Math.round(putRate / rawRate * 1000) / 1000.0);
            report.put("ratio_bulkload", Math.round(bulkRate / rawRate * 1000) / 1000.0);
            report.put("restore_store_requests", oneRestore);
            // Writing the synthetic archive, then both restores.
            report.put(StoreRequestsField.NAME, store.requests());
          }
        },
        report ->
            String.format(
                "BufferedMutator loop %,d puts/s; restore via puts %,d/s (ratio %.2f, goal >= %.1f); via bulk load %,d/s (ratio %.2f, goal >= %.0f)",
                Figures.whole(report.get("raw_puts_per_sec")),
                Figures.whole(report.get("restore_puts_per_sec")),
                Figures.real(report.get("ratio_puts")),
                GOAL_RATIO_PUTS,
                Figures.whole(report.get("restore_bulkload_per_sec")),
                Figures.real(report.get("ratio_bulkload")),
                GOAL_RATIO_BULKLOAD));
  }

  private Integer mapReduce() throws Exception {
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-restore-mr-",
        (dir, report) -> {
          try (EmbeddedStack stack =
                  EmbeddedStack.builder()
                      .workDir(dir.resolve("stack"))
                      .editsPartitions(shape.partitions)
                      .withHBase(true)
                      .hbaseRegionServers(1)
                      .hbasePeer(false)
                      .start();
              ObjectStore store = ObjectStore.open(stack.config());
              MapReduceMiniCluster yarn =
                  MapReduceMiniCluster.start(
                      stack.hbase().orElseThrow(), 1, 3072, dir.resolve("yarn"))) {
            KafkaClients clients = new KafkaClients(stack.config());
            SyntheticArchive.write(
                store,
                clients.serdes(),
                shape.partitions,
                edits,
                shape.valueBytes,
                shape.seed,
                e -> {});
            Connection connection = stack.hbase().orElseThrow().connection();
            Restore local =
                new Restore(store, clients.serdes(), clients.topics().edits())
                    .withSort(SortSettings.defaults().withMemoryBytes(shape.sortMemory));
            Map<String, TableDescriptor> descriptors = local.descriptors();
            long time = local.range(local.catalog()).checkpoint();
            Path staging =
                FileSystem.get(connection.getConfiguration())
                    .makeQualified(new Path("/tmp/rewind-bench-bulkload"));
            double localSeconds =
                timedRestore(
                    local,
                    time,
                    BulkLoadTarget.open(
                        HBaseTarget.open(connection, mapping("bench_local:t"), descriptors, false),
                        staging));
            settle(connection, "bench_local:t");

            MapReduceEngine mr =
                new MapReduceEngine(
                    yarn.configuration(),
                    stack
                        .config()
                        .with(MapReduceEngine.SPLIT_BYTES_SETTING, String.valueOf(splitBytes)),
                    connection,
                    null);
            Restore onYarn =
                new Restore(store, clients.serdes(), clients.topics().edits()).withEngine(mr);
            double mrSeconds =
                timedRestore(
                    onYarn,
                    time,
                    HBaseTarget.open(connection, mapping("bench_mr:t"), descriptors, false));

            double localRate = edits / localSeconds;
            double mrRate = edits / mrSeconds;
            report.put("edits", edits);
            shape.report(report);
            report.put("local_edits_per_sec", Math.round(localRate));
            report.put("mapreduce_edits_per_sec", Math.round(mrRate));
            report.put("ratio", Math.round(mrRate / localRate * 1000) / 1000.0);
            report.put("split_bytes", splitBytes);
            report.put("map_tasks", mr.stats().mapTasks());
            report.put("reduce_tasks", mr.stats().reduceTasks());
            report.put("job_overhead_ms", mr.stats().overheadMs());
            report.put("job_ms", mr.stats().jobMs());
            report.put("load_ms", mr.stats().loadMs());
            report.put(StoreRequestsField.NAME, store.requests());
          }
        },
        report ->
            String.format(
                "local engine (bulk load) %,d edits/s; MapReduce engine %,d edits/s (ratio %.2f, goal >= %.1f): %d map and"
                    + " %d reduce tasks, %,d ms before the first task started",
                Figures.whole(report.get("local_edits_per_sec")),
                Figures.whole(report.get("mapreduce_edits_per_sec")),
                Figures.real(report.get("ratio")),
                GOAL_RATIO_MAPREDUCE,
                Figures.whole(report.get("map_tasks")),
                Figures.whole(report.get("reduce_tasks")),
                Figures.whole(report.get("job_overhead_ms"))));
  }

  private static TableMapping mapping(String target) {
    return TableMapping.of(List.of(SyntheticArchive.TABLE), Map.of(SyntheticArchive.TABLE, target));
  }

  /**
   * Untimed, between the runs: flushes the table just written and waits for its compactions, so
   * that no run pays for the previous one's deferred work (each run's own flushes stay its own).
   */
  private static void settle(Connection connection, String table) throws Exception {
    TableName name = TableName.valueOf(table);
    try (Admin admin = connection.getAdmin()) {
      admin.flush(name);
      long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
      while (admin.getCompactionState(name) != CompactionState.NONE
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
  }

  /** The baseline: one Put per edit, its cells at their timestamps, through one BufferedMutator. */
  private static double rawPuts(Connection connection, String table, List<WalEdit> archived)
      throws Exception {
    long started = System.nanoTime();
    try (BufferedMutator mutator = connection.getBufferedMutator(TableName.valueOf(table))) {
      for (WalEdit e : archived) {
        Put put = new Put(bytes(e.getRow()));
        for (Cell c : e.getCells()) {
          put.addColumn(
              bytes(c.getFamily()), bytes(c.getQualifier()), c.getTimestamp(), bytes(c.getValue()));
        }
        mutator.mutate(put);
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private double timedRestore(Restore restore, long time, RestoreTarget target) throws Exception {
    long started = System.nanoTime();
    RestoreReport r =
        restore.run(new RestoreOptions(time, List.of(), shape.parallelism, false), target);
    double seconds = (System.nanoTime() - started) / 1e9;
    runsSpilled = r.sortRunsSpilled;
    if (r.editsApplied != edits) {
      throw new IllegalStateException(
          "the restore applied "
              + r.editsApplied
              + " edits, the archive holds "
              + edits
              + ": the bench's archive is inconsistent, rerun with --verbose");
    }
    return seconds;
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
