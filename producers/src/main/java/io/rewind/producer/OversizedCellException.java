package io.rewind.producer;

/** A single cell is larger than one record of the edits topic may be: it cannot be split further. */
public class OversizedCellException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OversizedCellException(String message) {
    super(message);
  }
}
