package io.rewind.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of every command that starts its own embedded stack: the demo and the benches. */
final class RunOptions {

  @Option(names = "--work-dir", description = "Keep the broker log, store and outputs here (default: a temporary directory, deleted at the end).")
  Path workDir;

  @Option(names = "--json", description = "Print the report as JSON on stdout.")
  boolean json;

  @Option(names = "--verbose", description = "Log Rewind's own progress lines.")
  boolean verbose;

  /** Sets the log levels for the run and returns its work directory. */
  ScratchDir start(String tempPrefix) throws IOException {
    Logging.quiet(!verbose);
    return ScratchDir.of(workDir, tempPrefix);
  }
}
