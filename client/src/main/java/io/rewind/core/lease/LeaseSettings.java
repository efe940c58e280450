package io.rewind.core.lease;

import io.rewind.core.config.RewindConfig;
import java.time.Duration;

/** How long leases last, how clocks are trusted, how long an operation waits for one. */
public final class LeaseSettings {

  /** A lease lasts this long without a renewal; holders renew every third of it. */
  public static final String DURATION_MS = "lease.duration.ms";
  /** Others take a lease over only this long after its expiry (the holder's clock against theirs). */
  public static final String CLOCK_SKEW_MS = "lease.clock.skew.ms";
  /** How long an operation waits for a lease another one holds before it is refused (0: refused at once). */
  public static final String WAIT_MS = "lease.wait.ms";
  /** How often a waiting operation looks at the leases again. */
  public static final String POLL_MS = "lease.poll.ms";
  /**
   * true (default): refuse to run on a store without conditional writes; false: take leases there
   * with a read before a plain write, which two operations starting at the same moment can both pass.
   */
  public static final String REQUIRE_CONDITIONAL_WRITES = "lease.require.conditional.writes";

  private final long durationMs;
  private final long skewMs;
  private final long waitMs;
  private final long pollMs;
  private final boolean requireConditionalWrites;

  public LeaseSettings(long durationMs, long skewMs, long waitMs, long pollMs, boolean requireConditionalWrites) {
    if (durationMs < 1000) {
      throw new IllegalArgumentException(DURATION_MS + " must be at least 1000 (renewals come every third of it), got " + durationMs);
    }
    if (skewMs < 0 || skewMs >= durationMs) {
      throw new IllegalArgumentException(CLOCK_SKEW_MS + " must be between 0 and " + DURATION_MS + " (" + durationMs + "), got " + skewMs);
    }
    if (waitMs < 0 || pollMs < 1) {
      throw new IllegalArgumentException(WAIT_MS + " must be >= 0 and " + POLL_MS + " >= 1, got " + waitMs + " and " + pollMs);
    }
    this.durationMs = durationMs;
    this.skewMs = skewMs;
    this.waitMs = waitMs;
    this.pollMs = pollMs;
    this.requireConditionalWrites = requireConditionalWrites;
  }

  public static LeaseSettings from(RewindConfig config) {
    try {
      return new LeaseSettings(
          Long.parseLong(config.getOrDefault(DURATION_MS, "30000").trim()),
          Long.parseLong(config.getOrDefault(CLOCK_SKEW_MS, "2000").trim()),
          Long.parseLong(config.getOrDefault(WAIT_MS, "0").trim()),
          Long.parseLong(config.getOrDefault(POLL_MS, "1000").trim()),
          Boolean.parseBoolean(config.getOrDefault(REQUIRE_CONDITIONAL_WRITES, "true").trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("lease.* settings must be whole numbers of milliseconds: " + e.getMessage(), e);
    }
  }

  public long durationMs() {
    return durationMs;
  }

  public long renewIntervalMs() {
    return durationMs / 3;
  }

  public long skewMs() {
    return skewMs;
  }

  public Duration waitDefault() {
    return Duration.ofMillis(waitMs);
  }

  public long pollMs() {
    return pollMs;
  }

  public boolean requireConditionalWrites() {
    return requireConditionalWrites;
  }
}
