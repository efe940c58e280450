package io.rewind.restore;

import java.io.IOException;

/**
 * A base's HFile is missing from the store or does not match its checksum; named, never skipped.
 */
public final class BaseImageFileException extends IOException {
  public BaseImageFileException(String message) {
    super(message);
  }
}
