package io.rewind.checkpoint;

import io.rewind.schemas.Checkpoint;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What the checkpoint app knows, for readers off the stream thread (the HTTP endpoint, the gauges,
 * embedding code): the newest checkpoint and the per-queue table, as the stream thread last
 * reported them.
 */
public final class CheckpointStatus implements CheckpointListener {

  /**
   * The newest checkpoint.
   *
   * @param computedAt when the app computed it; for a restored one, when it was restored
   * @param restored true when it comes from restored state and was not recomputed since
   */
  public record Latest(CheckpointResult result, long computedAt, boolean restored) {}

  private final Clock clock;
  private volatile Latest latest;
  private final Map<QueueKey, QueueView> queues = new ConcurrentSkipListMap<>();

  public CheckpointStatus(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void restored(Optional<CheckpointResult> checkpoint, List<QueueView> views) {
    queues.clear();
    views.forEach(v -> queues.put(v.queue(), v));
    latest = checkpoint.map(c -> new Latest(c, clock.millis(), true)).orElse(null);
  }

  @Override
  public void published(CheckpointResult result, Checkpoint record) {
    latest = new Latest(result, record.getComputedAt(), false);
  }

  @Override
  public void queuesChanged(Map<QueueKey, Optional<QueueView>> changes) {
    changes.forEach(
        (key, view) -> {
          if (view.isPresent()) {
            queues.put(key, view.get());
          } else {
            queues.remove(key);
          }
        });
  }

  public Optional<Latest> latest() {
    return Optional.ofNullable(latest);
  }

  /** Every known queue, ordered by identity. */
  public List<QueueView> queues() {
    return new ArrayList<>(queues.values());
  }

  public int queueCount() {
    return queues.size();
  }
}
