package io.rewind.stack;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/** A part of the embedded stack (broker, registry, child process) could not be started. */
public class StackStartException extends RewindException {
  private static final long serialVersionUID = 1L;

  public StackStartException(String message) {
    super(Kind.FAILED, message);
  }

  public StackStartException(String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
  }
}
