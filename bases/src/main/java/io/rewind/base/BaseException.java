package io.rewind.base;

import io.rewind.core.error.RewindException;

/** A base cannot be taken or used; the message names the problem and the fix. */
public final class BaseException extends RewindException {
  /** A base that failed (damaged source files, an unreadable snapshot). */
  public BaseException(String message) {
    super(Kind.FAILED, message);
  }

  public BaseException(String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
  }

  /** A base of {@code kind}: {@link Kind#REFUSED} when the request named a table or cluster that cannot be used. */
  public BaseException(Kind kind, String message) {
    super(kind, message);
  }
}
