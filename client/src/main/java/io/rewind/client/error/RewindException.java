package io.rewind.client.error;

/**
 * The root of every failure Rewind reports on purpose: its {@link Kind} says what the operator is
 * to do about it, and the CLI turns the kind, and only the kind, into the exit code. The message
 * names the problem and the fix. Anything else that escapes (a library's exception, a bug) is a
 * failure.
 */
public class RewindException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong, from the operator's side. */
  public enum Kind {
    /**
     * The request must not run as asked (a bad option or setting, an unknown table, a time past the
     * checkpoint): fix the request.
     */
    REFUSED,
    /** Another operation holds what this one needs (a lease): try again, or wait for it. */
    BUSY,
    /**
     * The request was right but could not be carried out (an unreachable broker or store, a corrupt
     * object).
     */
    FAILED,
    /**
     * The backup has, or may have, a gap: edits are missing from the store and no retry brings them
     * back.
     */
    DATA_LOSS
  }

  private final Kind kind;

  public RewindException(Kind kind, String message) {
    super(message);
    this.kind = requireKind(kind);
  }

  public RewindException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = requireKind(kind);
  }

  public final Kind kind() {
    return kind;
  }

  private static Kind requireKind(Kind kind) {
    if (kind == null) {
      throw new NullPointerException("kind");
    }
    return kind;
  }
}
