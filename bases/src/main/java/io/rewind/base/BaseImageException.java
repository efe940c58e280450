package io.rewind.base;

import io.rewind.client.error.RewindException;

/** A base cannot be taken or used; the message names the problem and the fix. */
public final class BaseImageException extends RewindException {
  /** A base that failed (damaged source files, an unreadable snapshot). */
  public BaseImageException(String message) {
    super(Kind.FAILED, message);
  }

  public BaseImageException(String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
  }

  /**
   * A base of {@code kind}: {@link Kind#REFUSED} when the request named a table or cluster that
   * cannot be used.
   */
  public BaseImageException(Kind kind, String message) {
    super(kind, message);
  }
}
