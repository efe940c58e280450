package io.rewind.core.lease;

/**
 * The holder's lease is gone (it was paused or cut off past its expiry and another operation took
 * over, or a record it protects carries a newer epoch): the operation stops before its next commit.
 */
public final class LeaseLostException extends IllegalStateException {

  public LeaseLostException(String message) {
    super(message);
  }
}
