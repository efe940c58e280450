package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.store.ObjectStore;
import io.rewind.store.audit.AuditLog;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command's entry in the store's audit trail ({@link AuditLog}): its start is appended before it
 * touches anything (a store that refuses the record refuses the command), its end with the outcome
 * once it is done, failed or refused. An end that cannot be written is logged, not thrown: the work
 * is done, and the start record already shows it ran.
 */
final class Audited implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Audited.class);

  private final AuditLog.Operation operation;
  private String outcome = "failed";
  private String error =
      "the command stopped before it finished (interrupted, or an error not reported to the trail)";
  private Map<String, Object> details;

  private Audited(AuditLog.Operation operation) {
    this.operation = operation;
  }

  static Audited begin(
      RewindConfig config,
      ObjectStore store,
      String command,
      Collection<String> tables,
      String what)
      throws IOException {
    return new Audited(new AuditLog(store, config).begin(command, tables, what));
  }

  /** Work whose outcome the trail records. */
  interface Work<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code work}, recording ok with {@code details} of its result, or its failure (rethrown).
   */
  <T> T run(Work<T> work, Function<T, Map<String, Object>> details) throws Exception {
    T result;
    try {
      result = work.run();
    } catch (Exception | Error e) {
      failed(e, null);
      throw e;
    }
    ok(details.apply(result));
    return result;
  }

  /** The command succeeded, having done what {@code details} says. */
  void ok(Map<String, Object> details) {
    this.outcome = "ok";
    this.error = null;
    this.details = details;
  }

  /**
   * The command failed (or was refused: bad input, or a lease another holds) with {@code e}; it is
   * rethrown by the caller.
   */
  void failed(Throwable e, Map<String, Object> details) {
    Kind kind = Errors.kind(e);
    this.outcome = kind == Kind.REFUSED || kind == Kind.BUSY ? "refused" : "failed";
    this.error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    this.details = details;
  }

  @Override
  public void close() {
    try {
      operation.end(outcome, error, details);
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "cannot append the end of audited operation {} ({}): the trail shows it started, not how it ended",
          operation.id(),
          e.toString());
    }
  }
}
