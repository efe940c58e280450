package io.rewind.store.segment;

import io.rewind.client.segment.SegmentException;

/** A manifest names a segment that the store does not hold. */
public final class MissingSegmentException extends SegmentException {
  private static final long serialVersionUID = 1L;

  public MissingSegmentException(String segmentPath, String manifestPath, Throwable cause) {
    super(
        segmentPath,
        "segment "
            + segmentPath
            + " is missing although its manifest "
            + manifestPath
            + " commits it: the segment was deleted or the store is incomplete (check bucket lifecycle"
            + " rules and replication); restore it from a copy of the store, or restore to a time"
            + " before the segment's first write time",
        cause);
  }
}
