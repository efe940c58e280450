package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --wait}: how long an operation that changes the store waits for a lease another one holds.
 */
final class LeaseOptions {

  @Option(
      names = "--wait",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Wait this long for another operation's lease on the tables (or the stream) this one changes (default:"
              + " lease.wait.ms, 0: refused at once, naming the holder and its expiry).")
  Duration wait;

  /** The configuration with --wait applied. */
  RewindConfig apply(RewindConfig config) {
    return wait == null
        ? config
        : config.with(LeaseSettings.WAIT_MS, String.valueOf(wait.toMillis()));
  }
}
