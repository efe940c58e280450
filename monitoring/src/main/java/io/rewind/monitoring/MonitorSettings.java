package io.rewind.monitoring;

import io.rewind.core.config.RewindConfig;
import java.time.Duration;

/**
 * The monitoring settings, read from the shared configuration (every key optional):
 *
 * <ul>
 *   <li>{@code monitor.checkpoint.stall.ms} (60000): the RPO beyond which the checkpoint counts as
 *       stalled (a warning; critical at five times it);
 *   <li>{@code monitor.retention.warn.ratio} (0.5) and {@code monitor.retention.critical.ratio} (0.8):
 *       the age of the oldest unarchived edit as a share of the edits topic's retention.ms;
 *   <li>{@code monitor.progress.window.ms} (3600000): how far back the progress topic is read for
 *       bulk-load markers (at most the newest {@code monitor.progress.max.records}, 50000, at a start);
 *   <li>{@code monitor.skew.window.ms} (60000): the recent progress records that clock skew is estimated from;
 *   <li>{@code monitor.wal.backlog.warn.wals} (8) and {@code monitor.wal.backlog.critical.wals} (32):
 *       closed WALs a replication queue may hold unshipped before the {@code wal-backlog} alert warns
 *       and turns critical; set them from the disk the source has for WALs (the disk left for
 *       oldWALs divided by the WAL size, hbase.regionserver.logroll.multiplier × the HDFS block size);
 *   <li>{@code monitor.restore.test.max.age.ms} (172800000, 48 h): the age beyond which the last restore test
 *       ({@code rewind verify --restore-test}) is stale, and the age of the backup's oldest data beyond which
 *       a store that never had one is;
 *   <li>{@code monitor.sample.interval.ms} (5000) and {@code monitor.history.ms} (3600000): how often a
 *       long-running process collects the status for its metrics and its status page chart, and how
 *       much history the chart keeps.
 * </ul>
 */
public record MonitorSettings(
    long stallMs,
    double retentionWarnRatio,
    double retentionCriticalRatio,
    long progressWindowMs,
    int progressMaxRecords,
    long skewWindowMs,
    long marginMs,
    Duration sampleInterval,
    Duration history,
    long walBacklogWarnWals,
    long walBacklogCriticalWals,
    long restoreTestMaxAgeMs) {

  public static final String STALL_MS = "monitor.checkpoint.stall.ms";
  public static final String RETENTION_WARN = "monitor.retention.warn.ratio";
  public static final String RETENTION_CRITICAL = "monitor.retention.critical.ratio";
  public static final String PROGRESS_WINDOW_MS = "monitor.progress.window.ms";
  public static final String PROGRESS_MAX_RECORDS = "monitor.progress.max.records";
  public static final String SKEW_WINDOW_MS = "monitor.skew.window.ms";
  public static final String SAMPLE_INTERVAL_MS = "monitor.sample.interval.ms";
  public static final String HISTORY_MS = "monitor.history.ms";
  public static final String WAL_BACKLOG_WARN = "monitor.wal.backlog.warn.wals";
  public static final String WAL_BACKLOG_CRITICAL = "monitor.wal.backlog.critical.wals";
  public static final String RESTORE_TEST_MAX_AGE_MS = "monitor.restore.test.max.age.ms";

  public static MonitorSettings of(RewindConfig config) {
    return new MonitorSettings(
        number(config, STALL_MS, 60_000),
        ratio(config, RETENTION_WARN, 0.5),
        ratio(config, RETENTION_CRITICAL, 0.8),
        number(config, PROGRESS_WINDOW_MS, 3_600_000),
        (int) number(config, PROGRESS_MAX_RECORDS, 50_000),
        number(config, SKEW_WINDOW_MS, 60_000),
        config.marginMs(),
        Duration.ofMillis(number(config, SAMPLE_INTERVAL_MS, 5_000)),
        Duration.ofMillis(number(config, HISTORY_MS, 3_600_000)),
        number(config, WAL_BACKLOG_WARN, 8),
        number(config, WAL_BACKLOG_CRITICAL, 32),
        number(config, RESTORE_TEST_MAX_AGE_MS, 48L * 3_600_000));
  }

  private static long number(RewindConfig config, String key, long fallback) {
    String v = config.getOrDefault(key, String.valueOf(fallback)).trim();
    try {
      long n = Long.parseLong(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration '" + key + "' must be a positive whole number, got '" + v + "'");
    }
  }

  private static double ratio(RewindConfig config, String key, double fallback) {
    String v = config.getOrDefault(key, String.valueOf(fallback)).trim();
    try {
      double r = Double.parseDouble(v);
      if (!(r > 0 && r <= 1)) {
        throw new NumberFormatException();
      }
      return r;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration '" + key + "' must be a ratio in (0, 1], got '" + v + "'");
    }
  }
}
