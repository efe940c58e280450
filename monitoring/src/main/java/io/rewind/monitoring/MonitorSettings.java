package io.rewind.monitoring;

import io.rewind.client.config.RewindConfig;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The monitoring settings, read from the shared configuration (every key optional): their names,
 * defaults and meaning are in {@link #CONFIG} and the settings tables of docs/operations.md.
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

  /** The monitor.* settings: every number positive, every ratio in (0, 1]. */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              STALL_MS,
              Type.LONG,
              60_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "The RPO beyond which the checkpoint counts as stalled (a warning; critical at five times it).")
          .define(
              RETENTION_WARN,
              Type.DOUBLE,
              0.5,
              new Ratio(),
              Importance.MEDIUM,
              "The age of the oldest unarchived edit, as a share of the edits topic's retention.ms, that warns.")
          .define(
              RETENTION_CRITICAL,
              Type.DOUBLE,
              0.8,
              new Ratio(),
              Importance.MEDIUM,
              "The same share that is critical.")
          .define(
              PROGRESS_WINDOW_MS,
              Type.LONG,
              3_600_000L,
              Range.atLeast(1),
              Importance.LOW,
              "How far back the progress topic is read for bulk-load markers.")
          .define(
              PROGRESS_MAX_RECORDS,
              Type.INT,
              50_000,
              Range.atLeast(1),
              Importance.LOW,
              "At most this many of the newest progress records are read at a start.")
          .define(
              SKEW_WINDOW_MS,
              Type.LONG,
              60_000L,
              Range.atLeast(1),
              Importance.LOW,
              "The recent progress records that clock skew is estimated from.")
          .define(
              WAL_BACKLOG_WARN,
              Type.LONG,
              8L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Closed WALs a replication queue may hold unshipped before the `wal-backlog` alert warns; set it from the disk"
                  + " the source has for WALs (the disk left for oldWALs divided by the WAL size,"
                  + " hbase.regionserver.logroll.multiplier × the HDFS block size).")
          .define(
              WAL_BACKLOG_CRITICAL,
              Type.LONG,
              32L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Closed WALs unshipped at which the `wal-backlog` alert turns critical.")
          .define(
              RESTORE_TEST_MAX_AGE_MS,
              Type.LONG,
              48L * 3_600_000,
              Range.atLeast(1),
              Importance.MEDIUM,
              "The last restore test (`rewind verify --restore-test`) is stale beyond this age (`restore-test-stale`), and so"
                  + " is a store that never had one once its oldest data is older.")
          .define(
              SAMPLE_INTERVAL_MS,
              Type.LONG,
              5_000L,
              Range.atLeast(1),
              Importance.LOW,
              "How often a long-running process collects the status for its metrics and its status page chart.")
          .define(
              HISTORY_MS,
              Type.LONG,
              3_600_000L,
              Range.atLeast(1),
              Importance.LOW,
              "How much history the status page chart keeps.");

  public static MonitorSettings of(RewindConfig config) {
    AbstractConfig c = config.parse(CONFIG);
    return new MonitorSettings(
        c.getLong(STALL_MS),
        c.getDouble(RETENTION_WARN),
        c.getDouble(RETENTION_CRITICAL),
        c.getLong(PROGRESS_WINDOW_MS),
        c.getInt(PROGRESS_MAX_RECORDS),
        c.getLong(SKEW_WINDOW_MS),
        config.marginMs(),
        Duration.ofMillis(c.getLong(SAMPLE_INTERVAL_MS)),
        Duration.ofMillis(c.getLong(HISTORY_MS)),
        c.getLong(WAL_BACKLOG_WARN),
        c.getLong(WAL_BACKLOG_CRITICAL),
        c.getLong(RESTORE_TEST_MAX_AGE_MS));
  }

  /** A share in (0, 1]. */
  private static final class Ratio implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      double r = (Double) value;
      if (!(r > 0 && r <= 1)) {
        throw new ConfigException(name, value, "must be a ratio in (0, 1]");
      }
    }

    @Override
    public String toString() {
      return "(0, 1]";
    }
  }
}
