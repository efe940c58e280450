package io.rewind.cli;

import static io.rewind.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.archiver.DataLossException;
import io.rewind.cli.CliRun.Result;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.ObjectStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The exit code of a failure is its kind's and only its kind's; one case of each kind through the
 * real command line.
 */
class ErrorsTest {

  @TempDir Path dir;

  @Test
  void eachKindHasItsOwnExitCode() {
    Map<Kind, Integer> codes = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      codes.put(kind, Errors.exitCode(kind));
    }

    assertThat(codes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(Kind.FAILED, 1, Kind.REFUSED, 2, Kind.BUSY, 3, Kind.DATA_LOSS, 4));
    assertThat(Errors.exitCodes()).containsOnlyKeys("0", "1", "2", "3", "4");
  }

  @Test
  void theKindAloneDecidesNotTheType() {
    assertThat(Errors.kind(new RewindException(Kind.BUSY, "held"))).isEqualTo(Kind.BUSY);
    assertThat(Errors.kind(new DataLossException("rewind.edits", 3, 10, 20)))
        .isEqualTo(Kind.DATA_LOSS);
    assertThat(Errors.kind(new IllegalArgumentException("a library's")))
        .as("not Rewind's: a failure")
        .isEqualTo(Kind.FAILED);
    assertThat(Errors.kind(new IllegalStateException("a bug"))).isEqualTo(Kind.FAILED);
    assertThat(Errors.kind(new ConfigException("lease.wait.ms", "x", "not a number")))
        .as("a setting refused by its ConfigDef")
        .isEqualTo(Kind.REFUSED);
  }

  @Test
  void aForeignIllegalArgumentExceptionFailsWithExit1() {
    Result r = runThrowing(new IllegalArgumentException("bad argument to a library call"));

    assertThat(r.exit).as(r.err).isEqualTo(Errors.FAILED);
    assertThat(r.err).contains("rewind throw: error: bad argument to a library call");
  }

  @Test
  void dataLossExitsWith4NamingTheGap() {
    Result r = runThrowing(new DataLossException("rewind.edits", 3, 10, 20));

    assertThat(r.exit).as(r.err).isEqualTo(Errors.DATA_LOSS);
    assertThat(r.err)
        .contains("rewind throw: data loss: data loss on rewind.edits-3: offsets [10, 20)");
  }

  @Test
  void aRefusedRequestExitsWith2() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 1, 5);

    Result r = run("restore-point", "delete", "--store", store.uri, "--name", "not a name");

    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("refused: restore point name 'not a name' is not allowed");
  }

  @Test
  void aLeaseAnotherOperationHoldsExitsWith3() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 1, 5);
    RewindConfig config = RewindConfig.of(Map.of(RewindConfig.STORE_URI, store.uri));
    try (ObjectStore objects = ObjectStore.open(config);
        Lease held =
            new Leases(objects, LeaseSettings.from(config), System::currentTimeMillis)
                .acquire(
                    "restore-point create",
                    List.of(LeaseResources.restorePoint("before-migration")))) {

      Result r = run("restore-point", "delete", "--store", store.uri, "--name", "before-migration");

      assertThat(r.exit).as(r.err).isEqualTo(Errors.BUSY);
      assertThat(r.err)
          .contains("busy: ")
          .contains("restore-point:before-migration")
          .contains("--wait");
    }
  }

  @Test
  void aFailureExitsWith1() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 1, 5);
    Files.delete(Path.of(URI.create(store.uri)).resolve(store.manifests.get(0).segmentPath));

    Result r =
        run("restore", "--store", store.uri, "--latest", "--out", dir.resolve("out").toString());

    assertThat(r.exit).as(r.err).isEqualTo(Errors.FAILED);
    assertThat(r.err).contains("error: segment ");
  }

  @Test
  void picocliUsageErrorsExit2Too() {
    Result r = run("restore", "--no-such-option");

    assertThat(r.exit).isEqualTo(CommandLine.ExitCode.USAGE).isEqualTo(Errors.REFUSED);
    assertThat(r.err).contains("Unknown option: '--no-such-option'");

    Result unconverted =
        run(
            "restore-point",
            "delete",
            "--store",
            "file:///nowhere",
            "--name",
            "p",
            "--wait",
            "soon");

    assertThat(unconverted.exit)
        .as("a converter's IllegalArgumentException is picocli's usage error")
        .isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(unconverted.err).contains("'soon' is not a duration");
  }

  @Test
  void everyCommandsHelpListsTheExitCodes() {
    Result r = run("restore", "--help");

    assertThat(r.out)
        .contains("Exit codes:")
        .contains("Refused:")
        .contains("Busy:")
        .contains("Data loss:");
  }

  /**
   * Runs {@code rewind throw}, a command that throws {@code e}, through Rewind's command line and
   * its error handling.
   */
  private static Result runThrowing(RuntimeException e) {
    CommandLine cl = Rewind.commandLine();
    cl.addSubcommand("throw", new CommandLine(new Thrower(e)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute("throw");
    return new Result(exit, out.toString(), err.toString());
  }

  @CommandLine.Command(name = "throw")
  static final class Thrower implements Runnable {
    private final RuntimeException e;

    Thrower(RuntimeException e) {
      this.e = e;
    }

    @Override
    public void run() {
      throw e;
    }
  }
}
