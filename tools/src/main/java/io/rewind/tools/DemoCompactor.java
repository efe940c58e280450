package io.rewind.tools;

import io.rewind.archiver.CompactionSettings;
import io.rewind.archiver.Compactor;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's compactor: {@code rewind compact} on a short clock, so that a demo of a minute merges
 * and deletes segments while it archives and restores (levels of 5 s and 1 min instead of 1 min and
 * 1 h, passes every 2 s, merged-away segments deleted 3 s after). Its totals go into the report.
 */
final class DemoCompactor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoCompactor.class);

  private final ObjectStore store;
  private final Compactor compactor;
  private final ScheduledExecutorService scheduler;
  private final Compactor.Report total = new Compactor.Report();
  private long passes;

  DemoCompactor(RewindConfig config) throws IOException {
    RewindConfig demo =
        config
            .with(CompactionSettings.LEVEL_WINDOWS_MS, "5000,60000")
            .with(CompactionSettings.SETTLE_MS, "1000")
            .with(CompactionSettings.GRACE_MS, "3000")
            .with(CompactionSettings.INTERVAL_MS, "2000");
    CompactionSettings settings = new CompactionSettings(demo);
    this.store = ObjectStore.open(demo);
    this.compactor = new Compactor(store, settings, "demo-compactor", System::currentTimeMillis);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-demo-compactor");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        this::pass, settings.intervalMs(), settings.intervalMs(), TimeUnit.MILLISECONDS);
  }

  private void pass() {
    try {
      Compactor.Report r = compactor.pass();
      synchronized (total) {
        total.add(r);
        passes++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.warn("demo compaction pass failed ({}); the next one tries again", e.toString());
    }
  }

  /** What the passes so far did. */
  DemoReport.Compaction summary() {
    synchronized (total) {
      DemoReport.Compaction c = new DemoReport.Compaction();
      c.passes = passes;
      c.mergedSegmentsWritten = total.mergedSegmentsWritten;
      c.segmentsMerged = total.segmentsMerged;
      c.retiredDeleted = total.retiredDeleted;
      c.errors = total.errors.size();
      return c;
    }
  }

  StoreRequests storeRequests() {
    return store.requests();
  }

  @Override
  public void close() throws IOException {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }
}
