package io.rewind.monitoring;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the status every {@code monitor.sample.interval.ms} on a thread of its own, for a
 * long-running process: the newest report feeds the metrics and the status page, and each sample
 * adds a point to the chart's history (one hour by default). Owns its collector.
 */
public final class StatusSampler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusSampler.class);

  private final StatusCollector collector;
  private final StatusHistory history;
  private final Duration interval;
  private final ScheduledExecutorService executor;
  private volatile StatusReport latest;
  private volatile long failures;
  private final List<Consumer<StatusReport>> listeners = new CopyOnWriteArrayList<>();

  public StatusSampler(StatusCollector collector) {
    this.collector = collector;
    this.interval = collector.settings().sampleInterval();
    this.history =
        new StatusHistory(
            (int) Math.max(1, collector.settings().history().toMillis() / interval.toMillis()));
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-status-sampler");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts sampling now and then every interval. */
  public StatusSampler start() {
    executor.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void sample() {
    try {
      StatusReport report = collector.collect();
      latest = report;
      history.add(StatusHistory.Point.of(report));
      listeners.forEach(l -> l.accept(report));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failures++;
      LOG.warn(
          "status collection failed (attempt again in {} ms): {}",
          interval.toMillis(),
          e.toString());
    }
  }

  /**
   * Told about every new report, on the sampler's thread (meters whose series follow the report's
   * rows).
   */
  public void onSample(Consumer<StatusReport> listener) {
    listeners.add(listener);
  }

  /** The newest report, empty before the first collection finished. */
  public Optional<StatusReport> latest() {
    return Optional.ofNullable(latest);
  }

  public StatusHistory history() {
    return history;
  }

  /** Collections that failed since start. */
  public long failures() {
    return failures;
  }

  public Duration interval() {
    return interval;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    collector.close();
  }
}
