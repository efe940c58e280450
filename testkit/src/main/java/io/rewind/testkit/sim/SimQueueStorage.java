package io.rewind.testkit.sim;

import io.rewind.producer.ListedQueue;
import io.rewind.schemas.QueueId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated fleet's replication queue storage (ZooKeeper in HBase 2.6): per queue, its holder,
 * the WALs it still lists and the stored position. A WAL is listed before anything is appended to
 * it and leaves once it is closed and the stored position has passed it. Every operation holds one
 * lock, so a read is a consistent cut, and a claim moves a queue between holders atomically
 * (HBase's own readers get the same by re-reading the storage's version; see design "The unit of
 * progress").
 */
final class SimQueueStorage {

  /** A stored position: the next record to ship in a WAL. */
  static final class Position {
    final SimWal wal;
    final int index;

    Position(SimWal wal, int index) {
      this.wal = wal;
      this.index = index;
    }
  }

  private static final class StoredQueue {
    String holder;
    final ArrayDeque<SimWal> wals = new ArrayDeque<>();
    Position position;

    StoredQueue(String holder) {
      this.holder = holder;
    }
  }

  private final Map<QueueId, StoredQueue> queues = new LinkedHashMap<>();
  private long version;

  synchronized void addQueue(QueueId queue, String holder, SimWal first) {
    if (queues.containsKey(queue)) {
      throw new IllegalStateException("queue " + queue + " already exists");
    }
    StoredQueue q = new StoredQueue(holder);
    q.wals.add(first);
    q.position = new Position(first, 0);
    queues.put(queue, q);
    version++;
  }

  /** Lists a new WAL in the queue: called before the first append to it. */
  synchronized void listWal(QueueId queue, SimWal wal) {
    stored(queue).wals.add(wal);
    version++;
  }

  /** The WALs the queue lists, oldest first; empty when the queue is gone. */
  synchronized List<SimWal> wals(QueueId queue) {
    StoredQueue q = queues.get(queue);
    return q == null ? List.of() : new ArrayList<>(q.wals);
  }

  synchronized Position position(QueueId queue) {
    return stored(queue).position;
  }

  /** Stores the position and drops every listed WAL that is closed and entirely before it. */
  synchronized void recordPosition(QueueId queue, SimWal wal, int index) {
    StoredQueue q = stored(queue);
    q.position = new Position(wal, index);
    if (!q.wals.contains(wal)) {
      // Already dropped when an earlier position reached its end: nothing more to drop.
      version++;
      return;
    }
    Iterator<SimWal> it = q.wals.iterator();
    while (it.hasNext()) {
      SimWal head = it.next();
      boolean passed = head != wal || head.fullyRead(index);
      if (!passed || !head.isClosed()) {
        break;
      }
      it.remove();
      if (head == wal) {
        break;
      }
    }
    version++;
  }

  /** Moves every queue held by {@code from} to {@code to} at once; returns the claimed queues. */
  synchronized List<QueueId> claimAll(String from, String to) {
    List<QueueId> claimed = new ArrayList<>();
    for (Map.Entry<QueueId, StoredQueue> e : queues.entrySet()) {
      if (e.getValue().holder.equals(from)) {
        e.getValue().holder = to;
        claimed.add(e.getKey());
      }
    }
    version++;
    return claimed;
  }

  /** Removes a fully shipped queue. */
  synchronized void removeQueue(QueueId queue) {
    queues.remove(queue);
    version++;
  }

  synchronized boolean contains(QueueId queue) {
    return queues.containsKey(queue);
  }

  /** Incremented by every change: what HBase's readers compare to detect a concurrent claim. */
  synchronized long version() {
    return version;
  }

  /**
   * A consistent cut of every queue that still lists a WAL (an empty queue is fully shipped: as
   * good as removed).
   */
  synchronized List<ListedQueue> read() {
    List<ListedQueue> listed = new ArrayList<>();
    for (Map.Entry<QueueId, StoredQueue> e : queues.entrySet()) {
      StoredQueue q = e.getValue();
      if (!q.wals.isEmpty()) {
        listed.add(
            new ListedQueue(e.getKey(), q.holder, q.wals.peekFirst().createdAt(), q.wals.size()));
      }
    }
    return listed;
  }

  private StoredQueue stored(QueueId queue) {
    StoredQueue q = queues.get(queue);
    if (q == null) {
      throw new IllegalStateException(
          "queue " + queue.getServer() + "/" + queue.getWalGroup() + " is not in the storage");
    }
    return q;
  }
}
