package io.rewind.tools;

import com.sun.management.OperatingSystemMXBean;
import io.rewind.cli.RunOptions;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.DumpTarget;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreOptions;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.SortSettings;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.dump.CellDump;
import io.rewind.testkit.archive.SyntheticArchive;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench replay}: the restore's replay alone, from a local store into cell dumps (no
 * Kafka, no HBase), over archived edits written by {@link SyntheticArchive}. The same restore runs
 * with its sorts bounded by --sort-memory, spilling what does not fit, and then, unless
 * --no-in-memory, with a budget large enough that nothing spills; each is timed from listing the
 * store to the last dump written, and the two dumps must be the same bytes. --rounds repeats the
 * pair, the other one first every other round, and keeps each one's best: on shared cores a single
 * run measures the neighbours. The JVM's CPU time of each run is reported too (the replay is
 * CPU-bound). Sized by --edits, it also shows what a heap (REWIND_JAVA_OPTS=-Xmx512m) is enough
 * for.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Restore into cell dumps from a local synthetic archive: sorts spilling to disk against sorts in memory.")
final class ReplayBenchCommand implements Callable<Integer> {

  /** A budget no partition's edits reach: an arena is at most 2 GiB. */
  private static final long IN_MEMORY = 1L << 40;

  @Option(names = "--edits", description = "Archived edits to restore (default: ${DEFAULT-VALUE}).")
  int edits = 2_000_000;

  @Option(
      names = "--in-memory",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Also restore with sorts in memory and compare (default: on; --no-in-memory when the edits do not fit the heap).")
  boolean inMemory;

  @Option(
      names = "--rounds",
      description =
          "Times each restore runs, alternating; the best of each is reported (default: ${DEFAULT-VALUE}).")
  int rounds = 1;

  @Mixin SyntheticRestoreOptions shape;

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-replay-",
        (dir, report) -> {
          SerdeFactory serdes = new SerdeFactory(null);
          try (ObjectStore store =
              ObjectStore.open(dir.resolve("store").toUri().toString(), Map.of())) {
            SyntheticArchive.write(
                store, serdes, shape.partitions, edits, shape.valueBytes, shape.seed, e -> {});
            Restore restore = new Restore(store, serdes, "rewind.edits");
            long time = restore.range(restore.catalog()).checkpoint();
            report.put("edits", edits);
            shape.report(report);
            report.put("rounds", rounds);

            Path spilled = dir.resolve("dump-spilled");
            Path held = dir.resolve("dump-in-memory");
            for (int round = 0; round < rounds; round++) {
              // Every other round the other one first: each run meets the writeback of the dumps
              // before it.
              if (inMemory && round % 2 == 1) {
                inMemory(restore, time, dir, held, report);
              }
              RestoreReport r =
                  timed(
                      restore,
                      time,
                      shape.sortMemory,
                      dir.resolve("spill"),
                      spilled,
                      report,
                      "spilling");
              report.put("sort_runs_spilled", r.sortRunsSpilled);
              report.put("sort_bytes_spilled", r.sortBytesSpilled);
              if (inMemory && round % 2 == 0) {
                inMemory(restore, time, dir, held, report);
              }
            }
            if (inMemory) {
              report.put(
                  "ratio",
                  Math.round(
                          (double) report.get("spilling_edits_per_sec")
                              / (double) report.get("in_memory_edits_per_sec")
                              * 1000)
                      / 1000.0);
              report.put(
                  "cpu_ratio",
                  Math.round(
                          (double) report.get("in_memory_cpu_seconds")
                              / (double) report.get("spilling_cpu_seconds")
                              * 1000)
                      / 1000.0);
              String file = CellDump.fileName(SyntheticArchive.TABLE);
              report.put(
                  "dumps_identical", Files.mismatch(spilled.resolve(file), held.resolve(file)) < 0);
            }
          }
        },
        report ->
            String.format(
                "replay of %,d edits into dumps: %,.0f edits/s sorting through %s runs on disk%s",
                Figures.whole(report.get("edits")),
                Figures.real(report.get("spilling_edits_per_sec")),
                report.get("sort_runs_spilled"),
                report.containsKey("ratio")
                    ? String.format(
                        ", %,.0f edits/s in memory (ratio %.2f, dumps identical: %s)",
                        Figures.real(report.get("in_memory_edits_per_sec")),
                        Figures.real(report.get("ratio")),
                        report.get("dumps_identical"))
                    : ""));
  }

  private void inMemory(Restore restore, long time, Path dir, Path out, Map<String, Object> report)
      throws Exception {
    RestoreReport r =
        timed(restore, time, IN_MEMORY, dir.resolve("spill"), out, report, "in_memory");
    if (r.sortRunsSpilled > 0) {
      throw new IllegalStateException(
          "the in-memory restore spilled " + r.sortRunsSpilled + " runs");
    }
  }

  /**
   * Restores into dumps under {@code out}; keeps the best edits/s and the least CPU seconds of the
   * runs under {@code <run>_edits_per_sec} and {@code <run>_cpu_seconds}; fails unless every edit
   * was applied.
   */
  private RestoreReport timed(
      Restore restore,
      long time,
      long memory,
      Path spill,
      Path out,
      Map<String, Object> report,
      String run)
      throws Exception {
    Restore sorting =
        restore.withSort(SortSettings.defaults().withMemoryBytes(memory).withSpillDirectory(spill));
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long started = System.nanoTime();
    RestoreReport r =
        sorting.run(
            new RestoreOptions(time, List.of(), shape.parallelism, false),
            new DumpTarget(out, time, List.of()));
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
    if (r.editsApplied != edits) {
      throw new IllegalStateException(
          "the restore applied " + r.editsApplied + " edits, the archive holds " + edits);
    }
    report.merge(
        run + "_edits_per_sec",
        (double) Math.round(edits / seconds),
        (a, b) -> Math.max((double) a, (double) b));
    report.merge(
        run + "_cpu_seconds",
        Math.round(cpuSeconds * 100) / 100.0,
        (a, b) -> Math.min((double) a, (double) b));
    return r;
  }
}
