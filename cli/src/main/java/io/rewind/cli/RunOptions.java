package io.rewind.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** Options of every command that starts its own embedded stack: the demo and the benches. */
public final class RunOptions {

  /** Bench reports keep their fields in the order they were measured. */
  private static final ObjectMapper REPORT_JSON = new ObjectMapper();

  @Option(
      names = "--work-dir",
      description =
          "Keep the broker log, store and outputs here (default: a temporary directory, deleted at the end).")
  Path workDir;

  @Option(names = "--json", description = "Print the report as JSON on stdout.")
  public boolean json;

  @Option(names = "--verbose", description = "Log Rewind's own progress lines.")
  public boolean verbose;

  /** A bench's measurements, run in its work directory, filling the report's fields. */
  public interface Measurement {
    void run(Path dir, Map<String, Object> report) throws Exception;
  }

  /**
   * Runs a bench in its work directory and prints its report: JSON with --json, else the text line.
   * System.out goes to stderr meanwhile: stdout must hold the report alone, and the embedded parts
   * (HBase's mini cluster prints thread dumps while it stops) write there.
   */
  public int runBench(
      PrintWriter out,
      String tempPrefix,
      Measurement measurement,
      Function<Map<String, Object>, String> text)
      throws Exception {
    ScratchDir scratch = start(tempPrefix);
    Map<String, Object> report = new LinkedHashMap<>();
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      measurement.run(scratch.path(), report);
    } finally {
      System.setOut(stdout);
      scratch.close();
    }
    out.println(
        json
            ? REPORT_JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report)
            : text.apply(report));
    out.flush();
    return 0;
  }

  /** Sets the log levels for the run and returns its work directory. */
  public ScratchDir start(String tempPrefix) throws IOException {
    Logging.quiet(!verbose);
    return ScratchDir.of(workDir, tempPrefix);
  }
}
