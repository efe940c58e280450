package io.rewind.restore;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a replay: records read and segment bytes read against the plan. On a terminal a
 * progress bar (records, rate, ETA, bytes); otherwise a log line every {@code logInterval}. The
 * replay threads only bump counters; one reporter thread renders.
 */
public final class RestoreProgress implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreProgress.class);

  private final AtomicLong records = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final boolean terminal;
  private final Duration logInterval;
  private long plannedRecords;
  private long plannedBytes;
  private long startedNanos;
  private ProgressBar bar;
  private ScheduledExecutorService reporter;

  /**
   * @param terminal draw a bar (stdout is a terminal: {@code System.console() != null}) rather than
   *     log lines
   */
  public RestoreProgress(boolean terminal, Duration logInterval) {
    this.terminal = terminal;
    this.logInterval = logInterval;
  }

  /** Counts nothing and renders nothing. */
  public static RestoreProgress none() {
    return new RestoreProgress(false, Duration.ZERO);
  }

  void start(long plannedRecords, long plannedBytes) {
    this.plannedRecords = plannedRecords;
    this.plannedBytes = plannedBytes;
    this.startedNanos = System.nanoTime();
    records.set(0);
    bytes.set(0);
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("restore")
              .setInitialMax(Math.max(1, plannedRecords))
              .setUnit(" records", 1)
              .showSpeed()
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(500)
              .build();
    }
    if (terminal || !logInterval.isZero()) {
      reporter =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "rewind-restore-progress");
                t.setDaemon(true);
                return t;
              });
      long every = terminal ? 500 : logInterval.toMillis();
      reporter.scheduleAtFixedRate(this::report, every, every, TimeUnit.MILLISECONDS);
    }
  }

  void recordRead() {
    records.incrementAndGet();
  }

  void segmentRead(long segmentBytes) {
    bytes.addAndGet(segmentBytes);
  }

  public long records() {
    return records.get();
  }

  public long bytes() {
    return bytes.get();
  }

  /** One log line's text: records and bytes against the plan, rate and ETA. */
  String line() {
    long r = records.get();
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    double rate = r / seconds;
    String eta =
        rate > 0
            ? Duration.ofSeconds((long) Math.ceil(Math.max(0, plannedRecords - r) / rate))
                .toString()
            : "?";
    return String.format(
        "restore: %d/%d records, %d/%d MB, %.0f records/s, ETA %s",
        r, plannedRecords, bytes.get() >> 20, plannedBytes >> 20, rate, eta);
  }

  private void report() {
    if (bar != null) {
      bar.stepTo(Math.min(records.get(), bar.getMax()));
      bar.setExtraMessage((bytes.get() >> 20) + "/" + (plannedBytes >> 20) + " MB");
    } else {
      LOG.info(line());
    }
  }

  @Override
  public void close() {
    if (reporter != null) {
      reporter.shutdownNow();
      reporter = null;
    }
    if (bar != null) {
      bar.stepTo(Math.min(records.get(), bar.getMax()));
      bar.close();
      bar = null;
    }
  }
}
