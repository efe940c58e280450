package io.rewind.checkpoint;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/** A persisted entry of the checkpoint rules' state cannot be decoded. */
public final class CorruptCheckpointStateException extends RewindException {

  private static final long serialVersionUID = 1L;

  public CorruptCheckpointStateException(String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
  }
}
