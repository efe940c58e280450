package io.rewind.checkpoint;

/** Reads the end offset of every partition of the edits topic, in partition order. */
@FunctionalInterface
public interface EndOffsets {

  /**
   * @throws EndOffsetsUnavailableException when the broker does not answer in time
   */
  long[] read();
}
