package io.rewind.tools;

import io.rewind.client.config.RewindConfig;
import io.rewind.testkit.archive.SyntheticArchive;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The archive and restore options the restore benches share ({@link SyntheticArchive}'s shape, the
 * replay's).
 */
final class SyntheticRestoreOptions {

  @Option(
      names = "--value-bytes",
      description = "Bytes per cell value (default: ${DEFAULT-VALUE}).")
  int valueBytes = 100;

  @Option(
      names = "--partitions",
      description = "Partitions of the archive, replayed in parallel (default: ${DEFAULT-VALUE}).")
  int partitions = 4;

  @Option(names = "--parallelism", description = "Restore parallelism (default: cores).")
  int parallelism = Runtime.getRuntime().availableProcessors();

  @Option(names = "--seed", description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--sort-memory",
      paramLabel = "BYTES",
      description =
          "restore.sort.memory.bytes of the restores that sort within it (default: ${DEFAULT-VALUE}, the setting's).")
  long sortMemory =
      Long.parseLong(RewindConfig.defaults().get(RewindConfig.RESTORE_SORT_MEMORY_BYTES));

  /** The shape fields every report of these benches carries. */
  void report(Map<String, Object> report) {
    report.put("value_bytes", valueBytes);
    report.put("partitions", partitions);
    report.put("parallelism", parallelism);
    report.put("sort_memory_bytes", sortMemory);
  }
}
