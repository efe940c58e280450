package io.rewind.client.lease;

import io.rewind.client.config.RewindConfig;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** How long leases last, how clocks are trusted, how long an operation waits for one. */
public final class LeaseSettings {

  /** A lease lasts this long without a renewal; holders renew every third of it. */
  public static final String DURATION_MS = "lease.duration.ms";

  /**
   * Others take a lease over only this long after its expiry (the holder's clock against theirs).
   */
  public static final String CLOCK_SKEW_MS = "lease.clock.skew.ms";

  /**
   * How long an operation waits for a lease another one holds before it is refused (0: refused at
   * once).
   */
  public static final String WAIT_MS = "lease.wait.ms";

  /** How often a waiting operation looks at the leases again. */
  public static final String POLL_MS = "lease.poll.ms";

  /**
   * true (default): refuse to run on a store without conditional writes; false: take leases there
   * with a read before a plain write, which two operations starting at the same moment can both
   * pass.
   */
  public static final String REQUIRE_CONDITIONAL_WRITES = "lease.require.conditional.writes";

  /** The lease.* settings; the constructor checks how they bound each other. */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              DURATION_MS,
              Type.LONG,
              30_000L,
              Range.atLeast(1000),
              Importance.MEDIUM,
              "A lease (and a restore's pin) lasts this long without a renewal; holders renew every third of it"
                  + " (\"Leases\" below).")
          .define(
              CLOCK_SKEW_MS,
              Type.LONG,
              2_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Another host takes a lease over only this long after its expiry (the holder's clock against its own: keep"
                  + " NTP); less than "
                  + DURATION_MS
                  + ".")
          .define(
              WAIT_MS,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "How long an operation waits for a lease another holds before it is refused (exit 3); `--wait` overrides.")
          .define(
              POLL_MS,
              Type.LONG,
              1_000L,
              Range.atLeast(1),
              Importance.LOW,
              "How often a waiting operation looks again.")
          .define(
              REQUIRE_CONDITIONAL_WRITES,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Refuse to run on a store without compare-and-swap (hdfs://, gs://); `false` writes leases after a read"
                  + " instead, without the guarantee.");

  private final long durationMs;
  private final long skewMs;
  private final long waitMs;
  private final long pollMs;
  private final boolean requireConditionalWrites;

  public LeaseSettings(
      long durationMs, long skewMs, long waitMs, long pollMs, boolean requireConditionalWrites) {
    if (durationMs < 1000) {
      throw new IllegalArgumentException(
          DURATION_MS
              + " must be at least 1000 (renewals come every third of it), got "
              + durationMs);
    }
    if (skewMs < 0 || skewMs >= durationMs) {
      throw new IllegalArgumentException(
          CLOCK_SKEW_MS
              + " must be between 0 and "
              + DURATION_MS
              + " ("
              + durationMs
              + "), got "
              + skewMs);
    }
    if (waitMs < 0 || pollMs < 1) {
      throw new IllegalArgumentException(
          WAIT_MS + " must be >= 0 and " + POLL_MS + " >= 1, got " + waitMs + " and " + pollMs);
    }
    this.durationMs = durationMs;
    this.skewMs = skewMs;
    this.waitMs = waitMs;
    this.pollMs = pollMs;
    this.requireConditionalWrites = requireConditionalWrites;
  }

  public static LeaseSettings from(RewindConfig config) {
    AbstractConfig c = config.parse(CONFIG);
    return new LeaseSettings(
        c.getLong(DURATION_MS),
        c.getLong(CLOCK_SKEW_MS),
        c.getLong(WAIT_MS),
        c.getLong(POLL_MS),
        c.getBoolean(REQUIRE_CONDITIONAL_WRITES));
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
