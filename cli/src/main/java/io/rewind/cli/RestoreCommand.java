package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.restore.RestoreProgress;
import io.rewind.restore.RestoreRefusedException;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.RestoreRequest;
import io.rewind.restore.Restorer;
import io.rewind.restore.mapreduce.MapReduceEngine;
import io.rewind.store.dump.CellDump;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rewind restore}: the state of every table at T, from the object store alone. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore the state at time T (every WAL edit with write time <= T) from the object store.",
      "T must lie in the restorable range: from the first archived edit to the checkpoint.",
      "Targets: cell dumps (--out DIR) or HBase tables (--hbase-zk QUORUM or --hbase-site FILE; default target",
      "tables restored:<table>, see --map; an existing non-empty target table needs --force)."
    })
public final class RestoreCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @ArgGroup(multiplicity = "1")
  When when;

  static final class When {
    @Option(
        names = "--to",
        paramLabel = "T",
        description = "ISO-8601 (no zone = UTC), epoch millis, or relative (-15m, -2h).")
    String to;

    @Option(names = "--latest", description = "Restore to the checkpoint.")
    boolean latest;

    @Option(
        names = "--to-point",
        paramLabel = "NAME",
        description =
            "Restore to a named restore point (rewind restore-point list): its time, and its tables unless --tables is given.")
    String point;
  }

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write each table's state as a cell dump here (docs/dump-format.md).")
  Path out;

  @Mixin HBaseConnectionOptions hbase;

  @Option(
      names = "--map",
      split = ",",
      paramLabel = "NS:T=NS2:T2",
      description =
          "HBase target of a source table (default: restored:<table>, prefixed by the namespace when two collide).")
  List<String> map = new ArrayList<>();

  /** How rows reach HBase. */
  enum Mode {
    puts,
    bulkload
  }

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description =
          "Into HBase: puts (BufferedMutator, default) or bulkload (HFiles per region, loaded with HBase's bulk-load API).")
  Mode mode = Mode.puts;

  /** Where the replay runs. */
  public enum Engine {
    local,
    mapreduce
  }

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      description =
          "Where the replay runs: local (this process, default) or mapreduce (one MapReduce job on the YARN cluster of"
              + " --hadoop-conf, writing HFiles that are then bulk-loaded; HBase targets only).")
  Engine engine = Engine.local;

  @Option(
      names = "--hadoop-conf",
      paramLabel = "DIR",
      description =
          "The YARN cluster's client configuration for --engine mapreduce (core-site.xml, hdfs-site.xml, yarn-site.xml,"
              + " mapred-site.xml; default: HADOOP_CONF_DIR).")
  Path hadoopConf;

  @Option(
      names = "--bulkload-dir",
      paramLabel = "URI",
      description =
          "Staging directory of --mode bulkload's HFiles, readable by the region servers (default: a local temp directory,"
              + " enough only when they run on this machine; e.g. hdfs://nn/tmp/rewind-bulkload).")
  String bulkloadDir;

  @Option(
      names = "--spill-dir",
      paramLabel = "DIR",
      description =
          "Where the replay writes the sorted runs that do not fit in restore.sort.memory.bytes, in a directory of its own"
              + " removed at the end (default: restore.spill.dir, else java.io.tmpdir).")
  Path spillDir;

  @Option(
      names = "--force",
      description =
          "Write into HBase target tables that already hold cells (the state at T is written over them).")
  boolean force;

  @Option(
      names = "--tables",
      split = ",",
      paramLabel = "NS:TABLE",
      description = "Restore only these tables.")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Partitions replayed at once (default: cores).")
  int parallelism = Runtime.getRuntime().availableProcessors();

  @Option(names = "--dry-run", description = "Print the plan; write nothing.")
  boolean dryRun;

  @Option(
      names = "--verify",
      description =
          "After the replay, read every target back (dump lines, or an all-versions scan of the HBase tables) and compare"
              + " its cells per table with the replay's count; exit 1 on a mismatch. Segment checksums are always verified.")
  boolean verify;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Between progress log lines when stdout is not a terminal. */
  static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);

  /** Invalid archived records the human report lists; JSON has them all. */
  private static final int INVALID_SHOWN = 20;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = connection.config();
    if (out != null && hbase.given()) {
      throw new RewindException(
          Kind.REFUSED,
          "two targets: pass either --out <dir> or an HBase cluster (--hbase-zk/--hbase-site), not both");
    }
    if ((mode == Mode.bulkload || bulkloadDir != null) && !hbase.given()) {
      throw new RewindException(
          Kind.REFUSED,
          "--mode bulkload writes HFiles into HBase tables: pass the target cluster with --hbase-zk or --hbase-site");
    }
    if (hadoopConf != null && engine != Engine.mapreduce) {
      throw new RewindException(
          Kind.REFUSED,
          "--hadoop-conf names the YARN cluster of --engine mapreduce: pass --engine mapreduce too");
    }
    if (!map.isEmpty() && !hbase.given()) {
      throw new RewindException(
          Kind.REFUSED,
          "--map names HBase target tables: pass the target cluster with --hbase-zk or --hbase-site");
    }
    RestoreRequest request = request(config);
    PrintWriter stdout = spec.commandLine().getOut();
    try (ObjectStore store = openStore(config)) {
      Restorer.Prepared restore =
          Restorer.of(store, config)
              .prepare(
                  request, new RestoreProgress(System.console() != null, PROGRESS_LOG_INTERVAL));
      RestoreReport report;
      if (dryRun) {
        report = restore.run();
      } else {
        try (Audited audit =
            Audited.begin(
                config,
                store,
                "restore",
                restore.tables(),
                "restore to "
                    + TimeParser.format(restore.time())
                    + (when.point != null ? " (restore point " + when.point + ")" : "")
                    + (hbase.given()
                        ? " into HBase tables (" + mode + ")"
                        : " into cell dumps in " + out))) {
          report = audit.run(restore::run, RestoreCommand::auditDetails);
        }
      }
      if (json) {
        stdout.println(
            Json.MAPPER
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(
                    StoreRequestsField.added(Json.MAPPER, report, store.requests())));
      } else {
        print(stdout, report);
      }
      stdout.flush();
      if (report.verification != null && !report.verification.ok) {
        spec.commandLine()
            .getErr()
            .println(
                "rewind restore: error: verification failed: the cells read back differ from the"
                    + " replay's count (see the report); the target is incomplete, restore again (with --force into HBase)");
        return Errors.FAILED;
      }
      return 0;
    }
  }

  /** The options as a request; refuses a request that names no target or cannot run. */
  private RestoreRequest request(RewindConfig config) {
    RestoreRequest.When at;
    if (when.latest) {
      at = RestoreRequest.When.latest();
    } else if (when.point != null) {
      at = RestoreRequest.When.point(when.point);
    } else {
      TimeParser.ParsedTime parsed = new TimeParser(Clock.systemUTC()).parse(when.to);
      at = RestoreRequest.When.at(parsed.epochMillis(), parsed.interpretation());
    }
    RestoreRequest.Target target = null;
    if (out != null) {
      target = new RestoreRequest.Target.Dumps(out);
    } else if (hbase.given()) {
      target =
          RestoreRequest.Target.HBase.connecting(hbase::connect)
              .withMap(map)
              .withBulkLoad(mode == Mode.bulkload, bulkloadDir)
              .withForce(force);
    }
    return RestoreRequest.builder(at)
        .tables(tables)
        .target(target)
        .parallelism(parallelism)
        .dryRun(dryRun)
        .verify(verify)
        .spillDir(spillDir)
        .engine(
            engine == Engine.mapreduce
                ? MapReduceEngine.factory(
                    c -> HadoopConfDir.load(hadoopConf, c.getConfiguration()),
                    config,
                    bulkloadDir == null ? null : new org.apache.hadoop.fs.Path(bulkloadDir))
                : null)
        .build();
  }

  /**
   * Opens the store, refusing a URI whose scheme no connector serves and a local directory that
   * does not exist (a restore reads; it never creates a store).
   */
  static ObjectStore openStore(RewindConfig config) throws IOException {
    ObjectStore store;
    try {
      store = ObjectStore.open(config);
    } catch (IOException e) {
      if (e.getCause() instanceof UnsupportedFileSystemException) {
        throw new RestoreRefusedException(
            "the store URI "
                + config.storeUri()
                + " has a scheme no connector serves: pass"
                + " --store file:///path/to/store or s3a://bucket/prefix");
      }
      throw e;
    }
    if ("file".equals(store.uri().getScheme()) && !Files.isDirectory(Paths.get(store.uri()))) {
      store.close();
      throw new RestoreRefusedException(
          "the store "
              + store.uri()
              + " does not exist: check --store (the directory the"
              + " archivers write, e.g. file:///var/lib/rewind/store)");
    }
    return store;
  }

  /** What the audit trail keeps of a restore. */
  static Map<String, Object> auditDetails(RestoreReport r) {
    Map<String, Object> d = new TreeMap<>();
    d.put("time", r.timeIso);
    d.put("tables", r.tables);
    d.put("editsApplied", r.editsApplied);
    d.put("segments", r.segments);
    d.put("bases", r.bases.size());
    d.put("durationMs", r.durationMs);
    if (r.targetTables != null) {
      d.put("targetTables", r.targetTables);
    }
    if (r.verification != null) {
      d.put("verified", r.verification.ok);
    }
    return d;
  }

  private void print(PrintWriter w, RestoreReport r) {
    w.printf(
        "restore to %s%s%s%n",
        r.timeIso,
        "mapreduce".equals(r.restoreEngine) ? " on MapReduce" : "",
        r.timeInterpretation == null ? "" : " (" + r.timeInterpretation + ")");
    w.printf("  restorable range %s … %s (checkpoint)%n", r.earliestIso, r.checkpointIso);
    r.bases.forEach(
        b ->
            w.printf(
                "  %s: base %s (completed %s, %d HFiles, %,d bytes), then the stream after %s%n",
                b.table, b.id, b.completedAtIso, b.files, b.bytes, b.replayAfterIso));
    if (r.tablesAbsentAtTime != null) {
      r.tablesAbsentAtTime.forEach(
          (t, why) -> w.printf("  %s: not restored, it did not exist at T (%s)%n", t, why));
    }
    w.printf(
        "  plan: %d segments, %d bytes, up to %d records%n", r.segments, r.bytes, r.recordsPlanned);
    if (!r.bulkLoadsReplayed.isEmpty()) {
      w.printf(
          "  %d captured bulk loads replayed with the stream%s%n",
          r.bulkLoadsReplayed.size(),
          r.dryRun
              ? ""
              : String.format(" (%d HFiles, %,d cells)", r.bulkLoadFiles, r.bulkLoadCells));
    }
    if (r.invalidRecordsArchived > 0) {
      w.printf(
          "  %d records of these segments failed validation when archived (each copied with the reason to the dlq topic):%n",
          r.invalidRecordsArchived);
      r.invalidRecordsNamed.stream()
          .limit(INVALID_SHOWN)
          .forEach(i -> w.printf("    %s offset %d: %s%n", i.segment, i.offset, i.reason));
      if (r.invalidRecordsArchived > INVALID_SHOWN) {
        w.printf(
            "    … %d more (--json names the first %d of each segment)%n",
            r.invalidRecordsArchived - INVALID_SHOWN, Manifest.MAX_INVALID_LISTED);
      }
    }
    if (r.dryRun) {
      w.printf(
          "  edits to replay: %d (at or before T; %d segments straddling it read to count them)%n",
          r.editsPlanned, r.segmentsReadToCount);
      w.printf(
          "  tables: %s%n",
          r.tables == null || r.tables.isEmpty() ? "none" : String.join(", ", r.tables));
      w.printf(
          "  edits cover %s … %s%n",
          r.coversFromIso == null ? "-" : r.coversFromIso,
          r.coversToIso == null ? "-" : r.coversToIso);
      w.printf(
          "  estimated duration %s with --parallelism %d (%s)%n",
          Duration.ofMillis(r.estimatedDurationMs), r.parallelism, r.estimateAssumption);
      w.println("  dry run: nothing written");
      return;
    }
    w.printf(
        "  applied %d edits (%d re-shipped duplicates skipped, %d records after T, %d invalid) in %d ms%n",
        r.editsApplied, r.duplicatesSkipped, r.recordsAfterTime, r.invalidRecords, r.durationMs);
    if (r.sortRunsSpilled > 0) {
      w.printf(
          "  sorted through %d runs on disk (%,d bytes; restore.sort.memory.bytes bounds the memory)%n",
          r.sortRunsSpilled, r.sortBytesSpilled);
    }
    r.cellsPerTable.forEach(
        (t, n) ->
            w.printf(
                "  %-40s %10d cells -> %s%n",
                t,
                n,
                r.targetTables != null
                    ? "HBase table " + r.targetTables.get(t)
                    : out.resolve(CellDump.fileName(t))));
    if (r.verification != null) {
      w.printf(
          "  verify: %s%n",
          r.verification.ok ? "every table holds the cells the replay wrote" : "MISMATCH");
      r.verification.tables.forEach(
          (t, c) ->
              w.printf(
                  "  %-40s expected %10d found %10d %s%n",
                  t,
                  c.expected,
                  c.found,
                  c.note != null ? "(" + c.note + ")" : c.ok ? "ok" : "MISMATCH"));
    }
  }
}
