package io.rewind.schemas.serde;

/** A value whose writer schema cannot be resolved: from a newer Rewind, or not ours at all. */
public class UnknownSchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
