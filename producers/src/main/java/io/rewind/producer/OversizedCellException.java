package io.rewind.producer;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/**
 * A single cell is larger than one record of the edits topic may be: it cannot be split further.
 */
public class OversizedCellException extends RewindException {
  private static final long serialVersionUID = 1L;

  public OversizedCellException(String message) {
    super(Kind.REFUSED, message);
  }
}
