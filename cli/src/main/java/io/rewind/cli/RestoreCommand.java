package io.rewind.cli;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.segment.SegmentKey;
import io.rewind.core.kafka.KafkaClients;
import io.rewind.core.kafka.Topics;
import io.rewind.core.store.CheckpointFile;
import io.rewind.core.store.Json;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.time.TimeParser;
import io.rewind.restore.DumpTarget;
import io.rewind.restore.HBaseTarget;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreOptions;
import io.rewind.restore.RestoreRefusedException;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.TableMapping;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.hbase.client.Connection;
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
final class RestoreCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @ArgGroup(multiplicity = "1")
  When when;

  static final class When {
    @Option(names = "--to", paramLabel = "T", description = "ISO-8601 (no zone = UTC), epoch millis, or relative (-15m, -2h).")
    String to;

    @Option(names = "--latest", description = "Restore to the checkpoint.")
    boolean latest;
  }

  @Option(names = "--out", paramLabel = "DIR", description = "Write each table's state as a cell dump here (docs/dump-format.md).")
  Path out;

  @Mixin HBaseConnectionOptions hbase;

  @Option(names = "--map", split = ",", paramLabel = "NS:T=NS2:T2",
      description = "HBase target of a source table (default: restored:<table>, prefixed by the namespace when two collide).")
  List<String> map = new ArrayList<>();

  @Option(names = "--force", description = "Write into HBase target tables that already hold cells (the state at T is written over them).")
  boolean force;

  @Option(names = "--tables", split = ",", paramLabel = "NS:TABLE", description = "Restore only these tables.")
  List<String> tables = new ArrayList<>();

  @Option(names = "--parallelism", paramLabel = "N", description = "Partitions replayed at once (default: cores).")
  int parallelism = Runtime.getRuntime().availableProcessors();

  @Option(names = "--dry-run", description = "Print the plan; write nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** source -> HBase target table, once an HBase restore ran. */
  private java.util.Map<String, String> targets;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = connection.config();
    if (out == null && !hbase.given() && !dryRun) {
      throw new IllegalArgumentException(
          "no target: pass --out <dir> for cell dumps, --hbase-zk <quorum> (or --hbase-site <file>) for HBase tables, or --dry-run to see the plan");
    }
    if (out != null && hbase.given()) {
      throw new IllegalArgumentException("two targets: pass either --out <dir> or an HBase cluster (--hbase-zk/--hbase-site), not both");
    }
    if (!map.isEmpty() && !hbase.given()) {
      throw new IllegalArgumentException("--map names HBase target tables: pass the target cluster with --hbase-zk or --hbase-site");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    try (ObjectStore store = ObjectStore.open(config)) {
      long time;
      String interpretation = null;
      if (when.latest) {
        time = CheckpointFile.read(store)
            .orElseThrow(() -> new RestoreRefusedException("the store " + store + " has no checkpoint yet: nothing can be restored"))
            .time;
        interpretation = "--latest: the checkpoint";
      } else {
        TimeParser.ParsedTime parsed = new TimeParser(Clock.systemUTC()).parse(when.to);
        time = parsed.epochMillis();
        interpretation = parsed.interpretation();
      }
      Restore restore = new Restore(store, new KafkaClients(config).serdes(), new Topics(config.topicPrefix()).edits())
          .withSegmentKey(SegmentKey.fromConfig(config).orElse(null));
      var manifests = restore.manifests();
      var expected = tables.isEmpty() ? restore.knownTables(manifests) : tables;
      RestoreOptions options = new RestoreOptions(time, tables, parallelism, dryRun);
      RestoreReport report;
      if (dryRun) {
        report = restore.run(options, new DryRunTarget());
      } else if (hbase.given()) {
        report = restoreIntoHBase(restore, options, expected);
      } else {
        report = restore.run(options, new DumpTarget(out, time, expected));
      }
      report.timeInterpretation = interpretation;
      if (json) {
        stdout.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      } else {
        print(stdout, report);
      }
      stdout.flush();
      return 0;
    }
  }

  /** Into HBase tables: the range is checked before any target table is created or written. */
  private RestoreReport restoreIntoHBase(Restore restore, RestoreOptions options, java.util.Collection<String> sources) throws Exception {
    restore.range(restore.manifests()).check(options.time());
    TableMapping mapping = TableMapping.of(sources, TableMapping.parse(map));
    try (Connection connection = hbase.connect()) {
      HBaseTarget target = HBaseTarget.open(connection, mapping, restore.descriptors(), force);
      RestoreReport report = restore.run(options, target);
      targets = mapping.targets();
      report.targetTables = targets;
      return report;
    }
  }

  private void print(PrintWriter w, RestoreReport r) {
    w.printf("restore to %s%s%n", r.timeIso, r.timeInterpretation == null ? "" : " (" + r.timeInterpretation + ")");
    w.printf("  restorable range %s … %s (checkpoint)%n", r.earliestIso, r.checkpointIso);
    w.printf("  plan: %d segments, %d bytes, up to %d records%n", r.segments, r.bytes, r.recordsPlanned);
    if (r.dryRun) {
      w.println("  dry run: nothing written");
      return;
    }
    w.printf("  applied %d edits (%d re-shipped duplicates skipped, %d records after T, %d invalid) in %d ms%n",
        r.editsApplied, r.duplicatesSkipped, r.recordsAfterTime, r.invalidRecords, r.durationMs);
    r.cellsPerTable.forEach((t, n) -> w.printf("  %-40s %10d cells -> %s%n", t, n,
        targets != null ? "HBase table " + targets.get(t) : out.resolve(io.rewind.core.dump.CellDump.fileName(t))));
  }

  /** Accepts nothing: a dry run never reaches the replay. */
  private static final class DryRunTarget implements io.rewind.restore.RestoreTarget {
    @Override
    public void acceptRow(String table, List<io.rewind.core.dump.DumpCell> cells) {
      throw new IllegalStateException("a dry run writes nothing");
    }

    @Override
    public java.util.Map<String, Long> finish() {
      return java.util.Map.of();
    }
  }
}
