package io.rewind.base;

/** A base cannot be taken or used; the message names the problem and the fix. */
public final class BaseException extends RuntimeException {
  public BaseException(String message) {
    super(message);
  }

  public BaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
