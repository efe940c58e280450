package io.rewind.tools;

import io.rewind.base.BaseImageReport;
import io.rewind.base.BaseImageSettings;
import io.rewind.base.BaseImageTaker;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.client.time.TimeParser;
import io.rewind.restore.ReplayEngine;
import io.rewind.restore.RestorableRange;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.RestoreRequest;
import io.rewind.restore.Restorer;
import io.rewind.restore.TableMapping;
import io.rewind.restore.mapreduce.MapReduceEngine;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.stack.MapReduceMiniCluster;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.dump.DumpCell;
import io.rewind.testkit.hbase.HBaseWorkload;
import io.rewind.testkit.hbase.SnapshotOracle;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo with HBase as its source: the {@link HBaseWorkload} writes through the HBase client into
 * the stack's mini cluster (two region servers, KafkaBackupEndpoint as the replication peer), first
 * with the tables outside the backup; when they join it, a base of each is taken. On the way it
 * bulk-loads HFiles into one table and truncates another. At the moments it will restore to it
 * pauses and snapshots every table, as the oracle test does. Each restore (base, then the stream)
 * goes into fresh HBase tables and must read, cell for cell and all versions, like the snapshot
 * cloned into a scratch table.
 */
final class HBaseDemo {

  private static final String NAMESPACE = "demo";

  private final HBaseMiniCluster hbase;
  private final ObjectStore store;
  private final RewindConfig config;
  private final DemoCommand.Narrator say;

  /**
   * Where a mini YARN cluster keeps its client settings when the restores run on MapReduce; null
   * for the local engine.
   */
  private Path yarnDir;

  HBaseDemo(
      HBaseMiniCluster hbase, ObjectStore store, RewindConfig config, DemoCommand.Narrator say) {
    this.hbase = hbase;
    this.store = store;
    this.config = config;
    this.say = say;
  }

  /**
   * Restores through the MapReduce engine, on a mini YARN cluster started beside HBase (its
   * settings under {@code dir}).
   */
  HBaseDemo onMapReduce(Path dir) {
    this.yarnDir = dir;
    return this;
  }

  void run(Duration duration, int restores, long seed, DemoReport report) throws Exception {
    Connection connection = hbase.connection();
    HBaseWorkload workload = new HBaseWorkload(connection, NAMESPACE, seed);
    // The tables hold data before they join the backup: only their bases can restore it.
    workload.createTables(0);
    report.servers = hbase.liveRegionServers().size();
    report.tables = workload.tableNames().size();
    long slice = Math.max(200, duration.toMillis() / (restores + 1));
    say.line(
        String.format(
            "writing a random workload (every delete type, explicit timestamps, many versions, binary keys, a 1 MiB value)"
                + " into %d tables of HBase (%d region servers), first outside the backup (replication scope 0)",
            report.tables, report.servers));
    workload.run(slice / 2);
    workload.flush();
    workload.run(slice / 4);
    workload.joinBackup();
    say.line(
        String.format(
            "  %,d writes so far; the tables join the backup (scope 1): a base of each, from an HBase snapshot",
            workload.operations()));
    takeBases(connection, workload, report);
    say.line(
        String.format(
            "writing on for %ds (seed %d); pausing %d times to snapshot the state to restore to",
            duration.toSeconds(), seed, restores));
    List<HBaseWorkload.Pause> pauses = new ArrayList<>();
    Random random = new Random(seed);
    for (int i = 0; i < restores; i++) {
      workload.run(slice / 2 + random.nextInt((int) slice));
      if (i == Math.min(1, restores - 1)) {
        long cells = workload.bulkLoad(HBaseWorkload.EXPLICIT);
        say.line(
            String.format(
                "  bulk-loaded %,d cells into %s with HBase's bulk-load tool (the endpoint copies the files into the store);"
                    + " writes to the same rows go on",
                cells, workload.qualified(HBaseWorkload.EXPLICIT)));
        workload.run(slice / 4);
      }
      if (restores > 1 && i == restores - 1) {
        workload.truncate(HBaseWorkload.IMPLICIT);
        say.line(
            "  truncated "
                + workload.qualified(HBaseWorkload.IMPLICIT)
                + " (the master observer records it before it happens);"
                + " writes go on");
        workload.run(slice / 4);
      }
      HBaseWorkload.Pause p = workload.pause(i, "demo");
      pauses.add(p);
      say.line(
          String.format(
              "  pause %d at %s: %,d writes so far, every table snapshotted",
              i + 1, TimeParser.format(p.time()), workload.operations()));
    }
    workload.run(slice / 2);
    long lastWrite = System.currentTimeMillis();
    workload.close();
    report.editsWritten = workload.operations();
    report.bulkLoads = workload.bulkLoads();
    report.truncates = workload.truncates();
    say.line(
        String.format("workload done: %,d writes through the HBase client", workload.operations()));

    long c =
        awaitCheckpoint(pauses.get(pauses.size() - 1).time(), lastWrite, Duration.ofSeconds(90));
    report.checkpoint = c;
    report.checkpointIso = TimeParser.format(c);
    report.rpoAtEndMs = Math.max(0, lastWrite - c);
    report.editsPublished = editRecords();
    awaitDescriptors(workload.tableNames().size(), Duration.ofSeconds(60));

    Restorer restorer = Restorer.of(store, config);
    RestorableRange range = restorer.range();
    report.earliest = range.earliest();
    report.earliestIso = TimeParser.format(range.earliest());
    if (yarnDir == null) {
      say.line(
          "restorable range "
              + range
              + "; restoring to each pause into new HBase tables and comparing with its snapshot");
      for (HBaseWorkload.Pause p : pauses) {
        report.restores.add(restoreAndCompare(restorer, null, connection, workload, p));
      }
      return;
    }
    say.line(
        "starting a mini YARN cluster (resource manager, 1 node manager, job history) on the mini cluster's HDFS, ~10 s");
    try (MapReduceMiniCluster yarn = MapReduceMiniCluster.start(hbase, 1, 3072, yarnDir)) {
      ReplayEngine.Factory onYarn =
          MapReduceEngine.factory(target -> yarn.configuration(), config, null);
      say.line(
          "restorable range "
              + range
              + "; restoring to each pause with one MapReduce job (segments in, HFiles per region out,"
              + " bulk-loaded) into new HBase tables and comparing with its snapshot");
      for (HBaseWorkload.Pause p : pauses) {
        report.restores.add(restoreAndCompare(restorer, onYarn, connection, workload, p));
      }
    }
  }

  private void takeBases(Connection connection, HBaseWorkload workload, DemoReport report)
      throws IOException, InterruptedException {
    BaseImageTaker taker =
        new BaseImageTaker(
            connection, hbase.configuration(), store, BaseImageSettings.from(config));
    for (String table : workload.tableNames()) {
      BaseImageReport b = taker.take(table);
      report.bases++;
      report.baseBytes += b.bytes;
      say.line(
          String.format(
              "  base %s of %s: %d HFiles, %,d bytes (%,d stored, zstd), serves restores to %s and later",
              b.id,
              table,
              b.files,
              b.bytes,
              b.storedBytesWritten,
              TimeParser.format(b.completedAt)));
    }
  }

  /**
   * @param engine where the replay runs: null for this process
   */
  private DemoReport.RestoreResult restoreAndCompare(
      Restorer restorer,
      ReplayEngine.Factory engine,
      Connection connection,
      HBaseWorkload workload,
      HBaseWorkload.Pause p)
      throws IOException {
    StoreRequests before = store.requests();
    Map<String, String> targets = new LinkedHashMap<>();
    Map<String, TableName> scratch = new LinkedHashMap<>();
    for (String source : workload.tableNames()) {
      String qualifier = source.substring(source.indexOf(':') + 1);
      targets.put(source, TableMapping.DEFAULT_NAMESPACE + "_" + (p.index() + 1) + ":" + qualifier);
      scratch.put(
          p.snapshots().get(source), TableName.valueOf("snapshot_" + (p.index() + 1), qualifier));
    }
    List<String> map = new ArrayList<>();
    targets.forEach((source, target) -> map.add(source + "=" + target));
    RestoreReport r =
        restorer.restore(
            RestoreRequest.builder(RestoreRequest.When.at(p.time()))
                .tables(workload.tableNames())
                .target(RestoreRequest.Target.HBase.through(connection).withMap(map))
                .engine(engine)
                .build());
    StoreRequests requests = store.requests().minus(before);
    SnapshotOracle.cloneSnapshots(connection, scratch);

    DemoReport.RestoreResult result = new DemoReport.RestoreResult();
    result.time = p.time();
    result.timeIso = TimeParser.format(p.time());
    result.editsApplied = r.editsApplied;
    result.duplicatesSkipped = r.duplicatesSkipped;
    result.segments = r.segments;
    result.durationMs = r.durationMs;
    result.storeRequests = requests;
    result.verified = true;
    for (String source : workload.tableNames()) {
      List<DumpCell> expected =
          SnapshotOracle.cells(connection, scratch.get(p.snapshots().get(source)));
      List<DumpCell> restored =
          SnapshotOracle.cells(connection, TableName.valueOf(targets.get(source)));
      result.cells += restored.size();
      result.expectedCells += expected.size();
      String diff = SnapshotOracle.firstDifference(expected, restored);
      if (diff != null && result.verified) {
        result.verified = false;
        result.mismatch = source + " restored into " + targets.get(source) + ": " + diff;
      }
    }
    say.line(
        String.format(
            "  restore %d to %s: %,d cells in %d tables from %d bases and %d segments (%,d edits) in %d ms: %s",
            p.index() + 1,
            result.timeIso,
            result.cells,
            targets.size(),
            r.bases.size(),
            r.segments,
            r.editsApplied,
            r.durationMs,
            result.verified
                ? "equal to HBase's snapshot, cell for cell"
                : "MISMATCH " + result.mismatch));
    return result;
  }

  /** Waits until the checkpoint passes the last write (or at least the last pause); returns C. */
  private long awaitCheckpoint(long lastPause, long lastWrite, Duration timeout) throws Exception {
    long c = CheckpointFile.awaitAtOrAfter(store, lastWrite, timeout);
    if (c >= lastWrite) {
      say.line(
          "checkpoint "
              + TimeParser.format(c)
              + " covers the last write ("
              + TimeParser.format(lastWrite)
              + ")");
      return c;
    }
    if (c < lastPause) {
      throw new IllegalStateException(
          "the checkpoint ("
              + (c == Long.MIN_VALUE ? "none" : TimeParser.format(c))
              + ") did not reach the last"
              + " pause "
              + TimeParser.format(lastPause)
              + " within "
              + timeout.toSeconds()
              + " s: are the endpoint, archiver and checkpoint app running?");
    }
    return c;
  }

  private void awaitDescriptors(int tables, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (TableDescriptorFile.readAll(store).size() < tables) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "the table descriptors did not reach the store (tables/) within "
                + timeout.toSeconds()
                + " s");
      }
      Thread.sleep(200);
    }
  }

  /** Records on the edits topic: one per row of each WAL entry shipped. */
  private long editRecords() throws Exception {
    KafkaClients clients = new KafkaClients(config);
    try (Admin admin = clients.admin("rewind-demo")) {
      String topic = clients.topics().edits();
      Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      long sum = 0;
      for (var e : admin.listOffsets(latest).all().get().values()) {
        sum += e.offset();
      }
      return sum;
    }
  }
}
