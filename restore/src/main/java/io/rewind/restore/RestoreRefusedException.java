package io.rewind.restore;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/** A restore that must not run as asked: a time outside the restorable range, an unknown table. */
public class RestoreRefusedException extends RewindException {
  private static final long serialVersionUID = 1L;

  public RestoreRefusedException(String message) {
    super(Kind.REFUSED, message);
  }
}
