package io.rewind.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rewind bench <what> --json}: measures Rewind and its baseline side by side in one run and
 * prints ratios, like Kafka's perf-test tools. One subcommand per target of an issue.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that measure a baseline and Rewind in the same run and print ratios.",
    subcommands = {
      CheckpointBenchCommand.class,
      RpoBenchCommand.class,
      ArchiveBenchCommand.class,
      RestoreBenchCommand.class,
      ReplayBenchCommand.class,
      BaseImageBenchCommand.class,
      HistoryBenchCommand.class,
      RestorePointBenchCommand.class,
      BulkLoadBenchCommand.class,
      CommandLine.HelpCommand.class
    })
final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
