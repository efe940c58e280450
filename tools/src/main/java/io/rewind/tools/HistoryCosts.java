package io.rewind.tools;

import io.rewind.base.Retention;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.monitoring.StoreStatus;
import io.rewind.restore.RestorableRange;
import io.rewind.restore.Restore;
import io.rewind.restore.RestorePlan;
import io.rewind.restore.RestorePlanner;
import io.rewind.store.catalog.ArchiveCatalog;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.PartitionView;
import java.io.IOException;

/**
 * What the routine operations that read a store's history cost, in time and requests, measured on a
 * store as they run against it ({@code rewind bench history} and the test that holds them
 * constant): an archiver resuming every partition, a restore's plan, the status page's store part
 * and a retention pass (planned, nothing deleted).
 */
final class HistoryCosts {

  /** One operation's wall time and the requests it made. */
  record Cost(long ms, StoreRequests requests) {}

  private interface Step {
    void run() throws IOException;
  }

  private HistoryCosts() {}

  private static Cost measure(ObjectStore store, Step step) throws IOException {
    StoreRequests before = store.requests();
    long started = System.nanoTime();
    step.run();
    return new Cost((System.nanoTime() - started) / 1_000_000, store.requests().minus(before));
  }

  /**
   * What an archiver reads when it is handed every partition: the chain of each, and the manifests
   * above its end.
   */
  static Cost resume(ObjectStore store) throws IOException {
    return measure(
        store,
        () -> {
          ManifestIndex index = new ManifestIndex(store);
          for (int p : index.partitions()) {
            PartitionView view = index.open(p);
            view.chainFrom(view.chain().end());
          }
        });
  }

  /**
   * What a restore reads to plan a restore to {@code time}: the checkpoint, the catalog, the range,
   * the plan.
   */
  static Cost plan(ObjectStore store, Restore restore, long time) throws IOException {
    return measure(
        store,
        () -> {
          ArchiveCatalog catalog = restore.catalog();
          RestorableRange range = restore.range(catalog);
          range.check(time);
          RestorePlan plan =
              RestorePlanner.plan(catalog.overlappingWriteTimes(Long.MIN_VALUE, time), time);
          if (plan.segments() == 0) {
            throw new IllegalStateException(
                "a restore to " + time + " plans no segment: the store holds nothing before it");
          }
        });
  }

  /** A refresh of the status page's store part by a new status process. */
  static Cost status(ObjectStore store) throws IOException {
    return measure(store, () -> new StoreStatus(store).read());
  }

  /** A retention pass from {@code windowStart}, planned only. */
  static Cost retention(ObjectStore store, long windowStart) throws IOException {
    return measure(store, () -> new Retention(store, 24 * 3_600_000L).plan(windowStart));
  }
}
