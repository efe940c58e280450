package io.rewind.cli;

import io.rewind.core.lease.LeaseBusyException;
import io.rewind.restore.RestoreRefusedException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line and an exit code: 2 for a request that was refused (bad input,
 * a time outside the restorable range), 3 when another operation holds a lease this one needs (the
 * message names it and its expiry: try again, or pass --wait), 1 for a failure (a corrupt segment,
 * an unreachable store).
 */
public final class Errors implements CommandLine.IExecutionExceptionHandler {

  public static final int FAILED = 1;
  public static final int REFUSED = 2;
  public static final int BUSY = 3;

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    boolean busy = e instanceof LeaseBusyException;
    boolean refused = e instanceof RestoreRefusedException || e instanceof IllegalArgumentException;
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
