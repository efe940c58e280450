package io.rewind.cli;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.kafka.KafkaClients;
import io.rewind.core.kafka.Topics;
import io.rewind.core.store.CheckpointFile;
import io.rewind.core.store.Json;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.time.TimeParser;
import io.rewind.restore.DumpTarget;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreOptions;
import io.rewind.restore.RestoreRefusedException;
import io.rewind.restore.RestoreReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
      "T must lie in the restorable range: from the first archived edit to the checkpoint."
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

  @Option(names = "--tables", split = ",", paramLabel = "NS:TABLE", description = "Restore only these tables.")
  List<String> tables = new ArrayList<>();

  @Option(names = "--parallelism", paramLabel = "N", description = "Partitions replayed at once (default: cores).")
  int parallelism = Runtime.getRuntime().availableProcessors();

  @Option(names = "--dry-run", description = "Print the plan; write nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = connection.config();
    if (out == null && !dryRun) {
      throw new IllegalArgumentException("no target: pass --out <dir> for cell dumps (or --dry-run to see the plan)");
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
      Restore restore = new Restore(store, new KafkaClients(config).serdes(), new Topics(config.topicPrefix()).edits());
      var manifests = restore.manifests();
      var expected = tables.isEmpty() ? restore.knownTables(manifests) : tables;
      RestoreReport report =
          restore.run(
              new RestoreOptions(time, tables, parallelism, dryRun),
              dryRun ? new DryRunTarget() : new DumpTarget(out, time, expected));
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
    r.cellsPerTable.forEach((t, n) -> w.printf("  %-40s %10d cells -> %s%n", t, n, out.resolve(io.rewind.core.dump.CellDump.fileName(t))));
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
