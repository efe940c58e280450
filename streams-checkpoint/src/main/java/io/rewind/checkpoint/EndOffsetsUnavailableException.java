package io.rewind.checkpoint;

/** The end offsets of the edits topic could not be read; claims wait for the next poll. */
public final class EndOffsetsUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EndOffsetsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
