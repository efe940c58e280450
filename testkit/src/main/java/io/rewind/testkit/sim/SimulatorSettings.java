package io.rewind.testkit.sim;

import java.time.Duration;

/**
 * What the fleet simulator runs: an immutable value; each setter-like method returns a changed
 * copy, e.g. {@code SimulatorSettings.defaults().servers(3).duration(Duration.ofSeconds(2))}.
 */
public final class SimulatorSettings {

  private final int servers;
  private final int editsPerSecond;
  private final Duration duration;
  private final long seed;
  private final int tables;
  private final int deaths;
  private final long marginMs;
  private final int walGroups;
  private final Duration walRollInterval;
  private final CellValues values;
  private final boolean keepExpected;

  private SimulatorSettings(
      int servers,
      int editsPerSecond,
      Duration duration,
      long seed,
      int tables,
      int deaths,
      long marginMs,
      int walGroups,
      Duration walRollInterval,
      CellValues values,
      boolean keepExpected) {
    this.servers = servers;
    this.editsPerSecond = editsPerSecond;
    this.duration = duration;
    this.seed = seed;
    this.tables = tables;
    this.deaths = deaths;
    this.marginMs = marginMs;
    this.walGroups = walGroups;
    this.walRollInterval = walRollInterval;
    this.values = values;
    this.keepExpected = keepExpected;
  }

  /**
   * 20 servers, 2,000 edits/s for 30 s over 3 tables, 2 server deaths, seed 42, 500 ms margin, 1
   * WAL group, WAL roll every 2 s, realistic cell values, the expected state kept.
   */
  public static SimulatorSettings defaults() {
    return new SimulatorSettings(
        20,
        2000,
        Duration.ofSeconds(30),
        42L,
        3,
        2,
        500,
        1,
        Duration.ofSeconds(2),
        CellValues.REALISTIC,
        true);
  }

  public int servers() {
    return servers;
  }

  public SimulatorSettings servers(int n) {
    return copy(
        n,
        editsPerSecond,
        duration,
        seed,
        tables,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  /**
   * Edits (one per WAL entry and row, as the edits topic counts them) per second of the workload.
   */
  public int editsPerSecond() {
    return editsPerSecond;
  }

  public SimulatorSettings editsPerSecond(int n) {
    return copy(
        servers,
        n,
        duration,
        seed,
        tables,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  /** How long the workload writes; heartbeats go on after it until the simulator is closed. */
  public Duration duration() {
    return duration;
  }

  public SimulatorSettings duration(Duration d) {
    return copy(
        servers,
        editsPerSecond,
        d,
        seed,
        tables,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  /** Same seed, same edits (write times relative to the start). */
  public long seed() {
    return seed;
  }

  public SimulatorSettings seed(long s) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        s,
        tables,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  /**
   * Number of tables; the first three have different families (orders: d,m; users: info; events:
   * e,meta,x).
   */
  public int tables() {
    return tables;
  }

  public SimulatorSettings tables(int n) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        seed,
        n,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  /** Region servers that die during the workload (their queues are claimed by survivors). */
  public int deaths() {
    return deaths;
  }

  public SimulatorSettings deaths(int n) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        seed,
        tables,
        n,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  /** The out-of-order window of appends; must not exceed the sink's checkpoint margin. */
  public long marginMs() {
    return marginMs;
  }

  public SimulatorSettings marginMs(long ms) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        seed,
        tables,
        deaths,
        ms,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  /** WAL groups (and so replication queues) per server: more than one is HBase's multiwal. */
  public int walGroups() {
    return walGroups;
  }

  public SimulatorSettings walGroups(int n) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        seed,
        tables,
        deaths,
        marginMs,
        n,
        walRollInterval,
        values,
        keepExpected);
  }

  public Duration walRollInterval() {
    return walRollInterval;
  }

  public SimulatorSettings walRollInterval(Duration d) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        seed,
        tables,
        deaths,
        marginMs,
        walGroups,
        d,
        values,
        keepExpected);
  }

  /** What put cells hold: realistic (compressible) values, or the incompressible worst case. */
  public CellValues values() {
    return values;
  }

  public SimulatorSettings values(CellValues v) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        seed,
        tables,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        v,
        keepExpected);
  }

  /**
   * Whether the simulator keeps every edit in its {@link ExpectedState} (what restores are checked
   * against). Benchmarks that never read it turn it off: at 50,000 edits/s it holds gigabytes, and
   * its garbage collection pauses stall everything else in the JVM.
   */
  public boolean keepExpected() {
    return keepExpected;
  }

  public SimulatorSettings keepExpected(boolean keep) {
    return copy(
        servers,
        editsPerSecond,
        duration,
        seed,
        tables,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keep);
  }

  /** Edits the whole workload writes. */
  public long totalEdits() {
    return (long) editsPerSecond * duration.toMillis() / 1000;
  }

  private static SimulatorSettings copy(
      int servers,
      int editsPerSecond,
      Duration duration,
      long seed,
      int tables,
      int deaths,
      long marginMs,
      int walGroups,
      Duration walRollInterval,
      CellValues values,
      boolean keepExpected) {
    if (servers < 1) {
      throw new IllegalArgumentException("servers must be >= 1, got " + servers);
    }
    if (editsPerSecond < 1) {
      throw new IllegalArgumentException("editsPerSecond must be >= 1, got " + editsPerSecond);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got " + duration);
    }
    if (tables < 1) {
      throw new IllegalArgumentException("tables must be >= 1, got " + tables);
    }
    if (deaths < 0 || deaths >= servers) {
      throw new IllegalArgumentException(
          "deaths must be between 0 and servers - 1 ("
              + (servers - 1)
              + "), got "
              + deaths
              + ": a survivor must claim the queues");
    }
    if (marginMs < 0) {
      throw new IllegalArgumentException("marginMs must be >= 0, got " + marginMs);
    }
    if (walGroups < 1) {
      throw new IllegalArgumentException("walGroups must be >= 1, got " + walGroups);
    }
    if (walRollInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "walRollInterval must be at least 10 ms, got " + walRollInterval);
    }
    return new SimulatorSettings(
        servers,
        editsPerSecond,
        duration,
        seed,
        tables,
        deaths,
        marginMs,
        walGroups,
        walRollInterval,
        values,
        keepExpected);
  }

  @Override
  public String toString() {
    return "servers="
        + servers
        + " editsPerSecond="
        + editsPerSecond
        + " duration="
        + duration
        + " seed="
        + seed
        + " tables="
        + tables
        + " deaths="
        + deaths
        + " marginMs="
        + marginMs
        + " walGroups="
        + walGroups
        + " walRollInterval="
        + walRollInterval
        + " values="
        + values
        + " keepExpected="
        + keepExpected;
  }
}
