package io.rewind.checkpoint;

import io.rewind.schemas.Checkpoint;
import java.util.Optional;

/** Told, on the stream thread, what the checkpoint app computes. */
public interface CheckpointListener {

  /** The state was restored (after a start or a rebalance); the checkpoint it gives, if any. */
  default void restored(Optional<CheckpointResult> checkpoint) {}

  /** A changed checkpoint was forwarded to the checkpoints topic. */
  void published(CheckpointResult result, Checkpoint record);
}
