package io.rewind.checkpoint;

import java.util.List;
import java.util.Optional;

/**
 * One input of the checkpoint rules, as a value: what the checkpoint app consumes from the progress
 * and archived topics plus its end-offset polls. The property tests, testkit's brute-force {@code
 * ReferenceCheckpoint} and {@code rewind bench checkpoint} replay sequences of them.
 */
public sealed interface CheckpointEvent {

  /** Feeds this event to the rules; returns the checkpoint after it. */
  Optional<CheckpointResult> applyTo(CheckpointRules rules);

  /** A cluster snapshot read at {@code readTime}; listing bounds have the margin subtracted. */
  record Snapshot(long readTime, long marginMs, List<Listing> listings) implements CheckpointEvent {
    @Override
    public Optional<CheckpointResult> applyTo(CheckpointRules rules) {
      return rules.onSnapshot(readTime, marginMs, listings);
    }
  }

  /** A marker of one queue: every edit with write time below {@code bound} is acknowledged. */
  record Marker(QueueKey queue, long bound, long sendTime, long marginMs)
      implements CheckpointEvent {
    @Override
    public Optional<CheckpointResult> applyTo(CheckpointRules rules) {
      return rules.onMarker(queue, bound, sendTime, marginMs);
    }
  }

  /** An end-offset poll of the edits topic. */
  record Poll(long[] endOffsets) implements CheckpointEvent {
    @Override
    public Optional<CheckpointResult> applyTo(CheckpointRules rules) {
      // The rules keep no reference to the array, but a caller may reuse it.
      return rules.onEndOffsets(endOffsets.clone());
    }
  }

  /** A committed segment [start, end) of a partition of the edits topic. */
  record Archived(int partition, long start, long end) implements CheckpointEvent {
    @Override
    public Optional<CheckpointResult> applyTo(CheckpointRules rules) {
      return rules.onArchived(partition, start, end);
    }
  }
}
