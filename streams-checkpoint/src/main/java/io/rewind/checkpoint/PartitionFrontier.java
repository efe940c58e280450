package io.rewind.checkpoint;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The contiguous committed frontier of one partition of the edits topic: the end of the unbroken
 * run of committed segments. The first range seen starts the chain (earlier offsets may have
 * expired before the backup began); overlapping ranges (zombie archivers) are harmless; a range
 * beyond a gap waits until the gap fills.
 */
final class PartitionFrontier {

  private boolean started;
  private long frontier;

  /** Ranges beyond the frontier: start to the highest end seen for that start. */
  private final NavigableMap<Long, Long> pending = new TreeMap<>();

  PartitionFrontier() {}

  PartitionFrontier(boolean started, long frontier, Map<Long, Long> pending) {
    this.started = started;
    this.frontier = frontier;
    this.pending.putAll(pending);
  }

  /** Adds a committed range [start, end); returns whether the state changed. */
  boolean add(long start, long end) {
    if (end <= start) {
      return false;
    }
    if (!started) {
      started = true;
      frontier = end;
      absorbPending();
      return true;
    }
    if (end <= frontier) {
      return false;
    }
    if (start <= frontier) {
      frontier = end;
      absorbPending();
      return true;
    }
    Long known = pending.get(start);
    if (known != null && known >= end) {
      return false;
    }
    pending.put(start, end);
    return true;
  }

  private void absorbPending() {
    while (!pending.isEmpty() && pending.firstKey() <= frontier) {
      frontier = Math.max(frontier, pending.pollFirstEntry().getValue());
    }
  }

  /** The end of the unbroken run; 0 for a partition never archived. */
  long frontier() {
    return frontier;
  }

  boolean started() {
    return started;
  }

  NavigableMap<Long, Long> pending() {
    return pending;
  }
}
