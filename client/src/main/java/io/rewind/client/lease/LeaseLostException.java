package io.rewind.client.lease;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/**
 * The holder's lease is gone (it was paused or cut off past its expiry and another operation took
 * over, or a record it protects carries a newer epoch): the operation stops before its next commit.
 */
public final class LeaseLostException extends RewindException {

  public LeaseLostException(String message) {
    super(Kind.FAILED, message);
  }
}
