package io.rewind.cli;

import java.util.ServiceLoader;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rewind} command: one subcommand per stage of the data flow, plus the demo and benches
 * when tools/ is on the classpath.
 */
@Command(
    name = "rewind",
    mixinStandardHelpOptions = true,
    version = "rewind 0.1.0",
    description =
        "Continuous backup of Apache HBase through Apache Kafka; restore to any millisecond up to a proven checkpoint.",
    subcommands = {
      InitCommand.class,
      ArchiveCommand.class,
      GcCommand.class,
      CompactCommand.class,
      BaseImageCommand.class,
      RetentionCommand.class,
      CheckpointCommand.class,
      RestoreCommand.class,
      RestorePointCommand.class,
      VerifyCommand.class,
      AuditCommand.class,
      StatusCommand.class
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
    for (ExtraCommands extra : ServiceLoader.load(ExtraCommands.class)) {
      extra.commands().forEach(cl::addSubcommand);
    }
    // Added last so that help stays at the end of the list, after the extra commands.
    cl.addSubcommand(new CommandLine.HelpCommand());
    cl.setExecutionExceptionHandler(new Errors());
    Errors.documentExitCodes(cl);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
