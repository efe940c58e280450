package io.rewind.cli;

import io.rewind.core.lease.LeaseBusyException;
import io.rewind.restore.RestoreRefusedException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line and an exit code: 2 for a request that was refused (bad input,
 * a value a setting's ConfigDef refuses, a time outside the restorable range), 3 when another
 * operation holds a lease this one needs (the message names it and its expiry: try again, or pass
 * --wait), 1 for a failure (a corrupt segment, an unreachable store).
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {

  static final int FAILED = 1;
  static final int REFUSED = 2;
  static final int BUSY = 3;

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    boolean busy = e instanceof LeaseBusyException;
    boolean refused =
        e instanceof RestoreRefusedException || e instanceof IllegalArgumentException || e instanceof ConfigException;
    cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + (busy ? "busy: " : refused ? "refused: " : "error: ") + message(e));
    if (System.getenv("REWIND_DEBUG") != null) {
      e.printStackTrace(cl.getErr());
    }
    return busy ? BUSY : refused ? REFUSED : FAILED;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
