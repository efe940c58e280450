package io.rewind.checkpoint;

import io.rewind.schemas.Checkpoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Told, on the stream thread, what the checkpoint app computes. */
public interface CheckpointListener {

  /**
   * The state was restored (after a start or a rebalance): the checkpoint it gives, if any, and
   * every known queue.
   */
  default void restored(Optional<CheckpointResult> checkpoint, List<QueueView> queues) {}

  /** A changed checkpoint was forwarded to the checkpoints topic. */
  void published(CheckpointResult result, Checkpoint record);

  /**
   * Per-queue rows changed (at least once per end-offset poll): a view, or empty for a queue that
   * is gone.
   */
  default void queuesChanged(Map<QueueKey, Optional<QueueView>> changes) {}
}
