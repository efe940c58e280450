package io.rewind.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rewind} command: one subcommand per stage of the data flow, plus the demo. */
@Command(
    name = "rewind",
    mixinStandardHelpOptions = true,
    version = "rewind 0.1.0",
    description = "Continuous backup of Apache HBase through Apache Kafka; restore to any millisecond up to a proven checkpoint.",
    subcommands = {
      InitCommand.class,
      SimulateCommand.class,
      ArchiveCommand.class,
      GcCommand.class,
      CompactCommand.class,
      BaseCommand.class,
      RetentionCommand.class,
      CheckpointCommand.class,
      RestoreCommand.class,
      RestorePointCommand.class,
      VerifyCommand.class,
      AuditCommand.class,
      StatusCommand.class,
      DemoCommand.class,
      WorkloadCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Rewind implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    int exit = commandLine().execute(args);
    LongRunning.commandReturned();
    System.exit(exit);
  }

  /** The command line with Rewind's error handling, as main and the tests use it. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Rewind());
    cl.setExecutionExceptionHandler(new Errors());
    Errors.documentExitCodes(cl);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
