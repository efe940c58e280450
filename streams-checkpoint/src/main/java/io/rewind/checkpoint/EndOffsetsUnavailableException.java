package io.rewind.checkpoint;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/** The end offsets of the edits topic could not be read; claims wait for the next poll. */
public final class EndOffsetsUnavailableException extends RewindException {

  private static final long serialVersionUID = 1L;

  public EndOffsetsUnavailableException(String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
  }
}
