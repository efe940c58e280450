package io.rewind.restore;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.util.List;

/** What the operator asked for. */
public final class RestoreOptions {

  private final long time;
  private final List<String> tables;
  private final int parallelism;
  private final boolean dryRun;

  /**
   * @param time T, epoch millis, inclusive
   * @param tables tables to restore (namespace:qualifier); empty means every archived table
   */
  public RestoreOptions(long time, List<String> tables, int parallelism, boolean dryRun) {
    if (parallelism < 1) {
      throw new RewindException(
          Kind.REFUSED, "--parallelism must be at least 1, got " + parallelism);
    }
    this.time = time;
    this.tables = List.copyOf(tables);
    this.parallelism = parallelism;
    this.dryRun = dryRun;
  }

  public long time() {
    return time;
  }

  public List<String> tables() {
    return tables;
  }

  public int parallelism() {
    return parallelism;
  }

  public boolean dryRun() {
    return dryRun;
  }
}
