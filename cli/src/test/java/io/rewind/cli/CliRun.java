package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.store.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a {@code rewind} command in-process, as the shell would, capturing what it prints. */
public final class CliRun {

  private CliRun() {}

  public static Result run(String... args) {
    CommandLine cl = Rewind.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** What a command printed on stdout, once it exited 0. */
  public static String succeed(String... args) {
    Result r = run(args);
    assertThat(r.exit).as("exit code; stderr: %s", r.err).isZero();
    return r.out;
  }

  /** The JSON a command printed, once it exited 0. */
  public static JsonNode json(String... args) throws Exception {
    return Json.MAPPER.readTree(succeed(args));
  }

  public static final class Result {
    public final int exit;
    public final String out;
    public final String err;

    public Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }
}
