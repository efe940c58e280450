package io.rewind.cli;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line and an exit code, by the {@link Kind} of the {@link
 * RewindException} alone: 2 for a request that was refused (bad input, a time outside the
 * restorable range), 3 when another operation holds a lease this one needs (the message names it
 * and its expiry: try again, or pass --wait), 4 when the backup has a gap (edits expired before
 * they were archived), 1 for a failure (a corrupt segment, an unreachable store) and for every
 * exception that is not Rewind's (a library's, a bug). picocli's own usage errors (an unknown
 * option, a value that does not convert) never reach here: picocli prints them with the usage and
 * exits 2 too.
 */
public final class Errors implements CommandLine.IExecutionExceptionHandler {

  public static final int FAILED = 1;
  public static final int REFUSED = 2;
  public static final int BUSY = 3;
  public static final int DATA_LOSS = 4;

  /** The exit codes and what each means, as every command's help lists them. */
  static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put("0", "Done.");
    codes.put(
        String.valueOf(FAILED),
        "Failed: the request was right but could not be carried out (an unreachable broker or store, a corrupt"
            + " object, a bug).");
    codes.put(
        String.valueOf(REFUSED),
        "Refused: a bad option, setting, table or time; nothing was changed. picocli's usage errors"
            + " (an unknown option, a value that does not convert) exit 2 too.");
    codes.put(
        String.valueOf(BUSY),
        "Busy: another operation holds a lease this one needs; try again, or pass --wait.");
    codes.put(
        String.valueOf(DATA_LOSS),
        "Data loss: the backup has a gap (edits expired before they were archived); see"
            + " docs/operations.md.");
    return codes;
  }

  /** Lists {@link #exitCodes()} in the help of {@code cl} and of every subcommand under it. */
  static void documentExitCodes(CommandLine cl) {
    cl.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(exitCodes());
    cl.getSubcommands().values().forEach(Errors::documentExitCodes);
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    Kind kind = kind(e);
    cl.getErr()
        .println(cl.getCommandSpec().qualifiedName() + ": " + label(kind) + ": " + message(e));
    if (System.getenv("REWIND_DEBUG") != null) {
      e.printStackTrace(cl.getErr());
    }
    return exitCode(kind);
  }

  /**
   * The kind of {@code e}: its own if it is Rewind's; {@link Kind#REFUSED} for a {@link
   * ConfigException}, how Kafka's ConfigDef refuses a value of a setting Rewind defines; {@link
   * Kind#FAILED} for anything else.
   */
  static Kind kind(Throwable e) {
    if (e instanceof RewindException) {
      return ((RewindException) e).kind();
    }
    return e instanceof ConfigException ? Kind.REFUSED : Kind.FAILED;
  }

  static int exitCode(Kind kind) {
    return switch (kind) {
      case REFUSED -> REFUSED;
      case BUSY -> BUSY;
      case DATA_LOSS -> DATA_LOSS;
      case FAILED -> FAILED;
    };
  }

  private static String label(Kind kind) {
    return switch (kind) {
      case REFUSED -> "refused";
      case BUSY -> "busy";
      case DATA_LOSS -> "data loss";
      case FAILED -> "error";
    };
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
