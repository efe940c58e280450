package io.rewind.archiver;

/**
 * When an open segment rolls on time. Size, revocation, shutdown, a position out of the log's range
 * and roll requests roll it whatever its age; this rule is the rest.
 *
 * <p>The wall clock is cut into ticks of {@code segment.max.age.ms} (multiples of it since the
 * epoch) and a segment rolls at the first tick boundary after it opened (took its first record or
 * skipped offset). So:
 *
 * <ul>
 *   <li>a partition rolls on time at most once per tick, whatever its records' write times. Each
 *       roll costs a segment and a manifest PUT, an {@code archived} record and an offset commit,
 *       and every later restore, listing and retention pass pays per object. The rule it replaces
 *       also rolled a segment holding a record written {@code segment.max.age.ms} ago as soon as
 *       the partition caught up; records reach the archiver up to a second after they were written
 *       (shipping batches, appends out of write-time order), so most new segments held such a
 *       record at once and the RPO bench rolled 5-8 segments per partition per second instead of
 *       two (docs/archivers.md);
 *   <li>no record waits in an open segment longer than {@code segment.max.age.ms};
 *   <li>every partition rolls at the same moment, in every archiver whose clock is in step. The
 *       checkpoint waits for the slowest partition: with rolls out of step, one of twelve
 *       partitions has almost always just rolled and waits nearly a full age for the next.
 * </ul>
 *
 * <p>Pure: the caller passes the time.
 */
final class RollRule {

  private final long tickMs;

  RollRule(long tickMs) {
    if (tickMs <= 0) {
      throw new IllegalArgumentException("the roll tick must be positive, got " + tickMs + " ms");
    }
    this.tickMs = tickMs;
  }

  /**
   * The segment opened in another tick than now's. "Another", not "an earlier": after the clock is
   * set back, the segment rolls once rather than wait for the clock to return to its tick.
   *
   * @param openedAt when the segment took its first record or skipped offset; negative while empty
   */
  boolean due(long openedAt, long nowMs) {
    return openedAt >= 0 && tick(nowMs) != tick(openedAt);
  }

  /**
   * Milliseconds from now to the next tick boundary, 1 to the tick's length: the longest a poll
   * should block.
   */
  long untilNextTick(long nowMs) {
    return tickMs - Math.floorMod(nowMs, tickMs);
  }

  private long tick(long timeMs) {
    return Math.floorDiv(timeMs, tickMs);
  }
}
