package io.rewind.checkpoint;

import io.rewind.core.store.CheckpointFile;
import io.rewind.core.store.ObjectStore;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code checkpoints/latest.json} off the stream thread: only the newest checkpoint
 * offered, at most once per interval, so a slow store never stalls the Streams app and a burst
 * of changes costs one PUT.
 */
final class CheckpointFileWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointFileWriter.class);

  private final ObjectStore store;
  private final AtomicReference<CheckpointFile.Stored> pending = new AtomicReference<>();
  private final ScheduledExecutorService executor;

  CheckpointFileWriter(ObjectStore store, long intervalMs) {
    this.store = store;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-checkpoint-file");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::flush, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  void offer(CheckpointFile.Stored checkpoint) {
    pending.set(checkpoint);
  }

  private void flush() {
    CheckpointFile.Stored next = pending.getAndSet(null);
    if (next == null) {
      return;
    }
    try {
      CheckpointFile.write(store, next);
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
