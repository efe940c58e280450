package io.rewind.restore;

/** A restore that must not run as asked: a time outside the restorable range, an unknown table. */
public class RestoreRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RestoreRefusedException(String message) {
    super(message);
  }
}
