package io.rewind.client.segment;

/** A segment's bytes do not match its manifest (checksum, size, offsets) or do not decode. */
public final class CorruptSegmentException extends SegmentException {
  private static final long serialVersionUID = 1L;

  public CorruptSegmentException(String segmentPath, String problem, Throwable cause) {
    super(
        segmentPath,
        "segment "
            + segmentPath
            + " is corrupt: "
            + problem
            + "; nothing from it was used. Restore the file from a copy of the store, or, while the"
            + " range is still in Kafka, delete the segment and its manifest and restart the archivers,"
            + " which archive the range again",
        cause);
  }
}
