package io.rewind.client.segment;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;

/** A segment named by a manifest cannot be used; the message names the segment and the fix. */
public abstract class SegmentException extends RewindException {
  private static final long serialVersionUID = 1L;

  private final String segmentPath;

  protected SegmentException(String segmentPath, String message, Throwable cause) {
    super(Kind.FAILED, message, cause);
    this.segmentPath = segmentPath;
  }

  /** The segment's key relative to the store root. */
  public String segmentPath() {
    return segmentPath;
  }
}
