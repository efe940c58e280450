package io.rewind.checkpoint;

import io.rewind.client.store.ObjectStore;
import io.rewind.store.catalog.CheckpointFile;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code checkpoints/latest.json} off the stream thread: only the newest checkpoint offered,
 * at most once per interval, so a slow store never stalls the Streams app and a burst of changes
 * costs one PUT.
 *
 * <p>The file never moves backwards, except to publish a computed decrease (a broken promise, which
 * must reach restores). It is written before the Streams transaction that computed the value
 * commits; after a crash the successor recomputes from the last committed state and may for a while
 * compute values below one already written. Those were true when written and stay true (what is
 * archived stays archived), so they are not written over.
 */
final class CheckpointFileWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointFileWriter.class);

  private final ObjectStore store;
  private final AtomicReference<Offer> pending = new AtomicReference<>();
  private final ScheduledExecutorService executor;

  /** The time in the file (the highest unless a decrease was written); touched by flush() only. */
  private long written = Long.MIN_VALUE;

  private record Offer(CheckpointFile.Stored checkpoint, boolean decrease) {}

  CheckpointFileWriter(ObjectStore store, long intervalMs) {
    this.store = store;
    try {
      CheckpointFile.read(store).ifPresent(c -> written = c.time);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "cannot read the checkpoint in {} ({}); the next one is written whatever its time",
          store,
          e.toString());
    }
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-checkpoint-file");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::flush, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * @param decrease true when the rules computed a decrease: then it is written even if lower
   */
  void offer(CheckpointFile.Stored checkpoint, boolean decrease) {
    pending.accumulateAndGet(
        new Offer(checkpoint, decrease),
        (old, now) ->
            // A decrease not yet written must not be hidden by a later, higher value offered before
            // the flush.
            old != null && old.decrease && !now.decrease ? new Offer(now.checkpoint, true) : now);
  }

  private void flush() {
    Offer next = pending.getAndSet(null);
    if (next == null) {
      return;
    }
    if (next.checkpoint.time < written && !next.decrease) {
      return;
    }
    try {
      CheckpointFile.write(store, next.checkpoint);
      written = next.decrease ? next.checkpoint.time : Math.max(written, next.checkpoint.time);
    } catch (IOException | RuntimeException e) {
      // Keep it for the next round unless a newer one arrived meanwhile.
      pending.compareAndSet(null, next);
      LOG.warn("cannot write the checkpoint to {} ({}); retrying", store, e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
