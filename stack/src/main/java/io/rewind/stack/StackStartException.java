package io.rewind.stack;

/** A part of the embedded stack (broker, registry, child process) could not be started. */
public class StackStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StackStartException(String message) {
    super(message);
  }

  public StackStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
