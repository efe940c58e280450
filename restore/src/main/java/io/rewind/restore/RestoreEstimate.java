package io.rewind.restore;

/**
 * The duration a dry run announces: the planned records over an assumed replay rate per partition
 * replayed at once. The rate is an assumption, not a measurement (docs/restore.md): {@value
 * #ASSUMED_RECORDS_PER_SECOND_PER_PARTITION} records/s per replay thread, the order of what one
 * thread decodes, replays and hands to a BufferedMutator on a small machine. Pure.
 */
public final class RestoreEstimate {

  public static final long ASSUMED_RECORDS_PER_SECOND_PER_PARTITION = 20_000;

  private RestoreEstimate() {}

  /**
   * Milliseconds to replay {@code records} spread over {@code partitions} with {@code parallelism}
   * threads.
   */
  public static long durationMs(long records, int partitions, int parallelism) {
    int lanes = Math.max(1, Math.min(partitions, parallelism));
    return (long) Math.ceil(records * 1000.0 / (ASSUMED_RECORDS_PER_SECOND_PER_PARTITION * lanes));
  }

  public static String assumption() {
    return ASSUMED_RECORDS_PER_SECOND_PER_PARTITION
        + " records/s per partition replayed at once (an assumption, not a measurement)";
  }
}
