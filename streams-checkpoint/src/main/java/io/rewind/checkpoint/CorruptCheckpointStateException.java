package io.rewind.checkpoint;

/** A persisted entry of the checkpoint rules' state cannot be decoded. */
public final class CorruptCheckpointStateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CorruptCheckpointStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
