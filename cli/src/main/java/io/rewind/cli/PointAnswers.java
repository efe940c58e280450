package io.rewind.cli;

import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which shipping queues have claimed past a restore point's time T, read from the progress stream
 * (pure: the caller feeds it what it consumes). The checkpoint can pass T only once a cluster
 * snapshot read at T + margin or later is in (its membership guard) and every queue that snapshot
 * lists claims a bound above T; then, and not before, an archiver roll lets the claims take effect
 * at once instead of at the next tick.
 */
final class PointAnswers {

  private final long pointTime;
  private final long marginMs;
  private final Map<String, Long> bestBound = new HashMap<>();
  private List<String> listed;

  PointAnswers(long pointTime, long marginMs) {
    this.pointTime = pointTime;
    this.marginMs = marginMs;
  }

  static String name(QueueId q) {
    return q.getServer() + "/" + q.getWalGroup();
  }

  void marker(Marker m) {
    bestBound.merge(name(m.getQueue()), m.getBound(), Math::max);
  }

  void snapshot(ClusterSnapshot s) {
    for (QueueListing q : s.getQueues()) {
      // A queue whose oldest listed WAL started after T holds no edit written at or before it.
      bestBound.merge(name(q.getQueue()), q.getBound(), Math::max);
    }
    if (s.getReadTime() - marginMs > pointTime) {
      List<String> queues = new ArrayList<>();
      s.getQueues().forEach(q -> queues.add(name(q.getQueue())));
      listed = queues;
    }
  }

  /** Whether a snapshot read after T + margin is in and every queue it lists claimed past T. */
  boolean complete() {
    return listed != null && waitingFor().isEmpty();
  }

  /** Queues the newest qualifying snapshot lists (0 before one came). */
  int queues() {
    return listed == null ? 0 : listed.size();
  }

  int answered() {
    return queues() - waitingFor().size();
  }

  /** The listed queues that have not claimed past T yet, by name. */
  List<String> waitingFor() {
    TreeSet<String> waiting = new TreeSet<>();
    if (listed != null) {
      for (String q : listed) {
        if (bestBound.getOrDefault(q, Long.MIN_VALUE) <= pointTime) {
          waiting.add(q);
        }
      }
    }
    return new ArrayList<>(waiting);
  }

  boolean snapshotSeen() {
    return listed != null;
  }
}
