package io.rewind.testkit.checkpoint;

import io.rewind.checkpoint.CheckpointEvent;
import io.rewind.checkpoint.CheckpointEvent.Archived;
import io.rewind.checkpoint.CheckpointEvent.Marker;
import io.rewind.checkpoint.CheckpointEvent.Poll;
import io.rewind.checkpoint.CheckpointEvent.Snapshot;
import io.rewind.checkpoint.Listing;
import io.rewind.checkpoint.QueueKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The truth the checkpoint rules reason about, simulated: region servers with replication queues of
 * WALs, edits appended with write times up to {@link #REORDER} ms in the past, shipped to
 * partitions of the edits topic (acknowledged), markers after every acknowledged batch and from the
 * marker chore, snapshots of the queue storage, deaths with claims that re-ship from the stored
 * position, archivers committing ranges, and the checkpoint app consuming the progress and archived
 * topics and polling end offsets. Every claim it publishes is true.
 */
final class SimulatedFleet {

  static final long MARGIN = 500;
  static final long REORDER = 400;
  static final int PARTITIONS = 3;

  /** One appended edit and every copy of it the endpoint shipped (partition, offset). */
  static final class Edit {
    final long writeTime;
    final List<long[]> copies = new ArrayList<>();

    Edit(long writeTime) {
      this.writeTime = writeTime;
    }
  }

  private static final class Queue {
    final QueueKey key;
    boolean alive = true;
    boolean inStorage = true;
    final List<Edit> edits = new ArrayList<>();

    /** WALs still listed: start time and index of their first edit. */
    final Deque<long[]> wals = new ArrayDeque<>();

    int shipped;

    Queue(QueueKey key, long now) {
      this.key = key;
      wals.add(new long[] {now, 0});
    }
  }

  private final boolean markers;
  private long now = 10_000;
  private final List<Queue> queues = new ArrayList<>();
  private final long[] endOffsets = new long[PARTITIONS];
  private final long[] archivedTo = new long[PARTITIONS];

  /**
   * Per partition, the end of what the archived events handed to the app so far cover: the fleet's
   * own record.
   */
  private final long[] deliveredTo = new long[PARTITIONS];

  private final Deque<CheckpointEvent> progress = new ArrayDeque<>();
  private final Deque<CheckpointEvent> archived = new ArrayDeque<>();

  SimulatedFleet(boolean markers) {
    this.markers = markers;
  }

  /** Applies one step; returns the event the checkpoint app consumed, or null. */
  CheckpointEvent step(int value) {
    int kind = value % 13;
    int arg = value / 13;
    switch (kind) {
      case 0 -> now += 1 + arg % 600;
      case 1 -> {
        if (queues.stream().filter(q -> q.alive).count() < 4) {
          queues.add(new Queue(new QueueKey("rs" + queues.size() + ",16020," + now, "wal"), now));
        }
      }
      case 2, 3 -> live(arg).ifPresent(q -> q.edits.add(new Edit(now - (arg / 7) % (REORDER + 1))));
      case 4 -> live(arg).ifPresent(q -> q.wals.add(new long[] {now, q.edits.size()}));
      case 5 -> listed(arg).ifPresent(q -> ship(q, 1 + (arg / 5) % 4, arg));
      case 6 -> live(arg).ifPresent(this::kill);
      case 7 ->
          live(arg)
              .ifPresent(
                  q -> {
                    if (markers && q.shipped == q.edits.size()) {
                      progress.add(new Marker(q.key, now - MARGIN, now, MARGIN));
                    }
                  });
      case 8 -> {
        List<Listing> listings = new ArrayList<>();
        queues.stream()
            .filter(q -> q.inStorage)
            .forEach(q -> listings.add(new Listing(q.key, q.wals.peekFirst()[0] - MARGIN)));
        progress.add(new Snapshot(now, MARGIN, listings));
      }
      case 9, 10 -> {
        return progress.pollFirst();
      }
      case 11 -> {
        int p = arg % PARTITIONS;
        long end = Math.min(endOffsets[p], archivedTo[p] + 1 + (arg / 3) % 5);
        if (end > archivedTo[p]) {
          // A zombie archiver sometimes commits an overlapping copy as well.
          long start = (arg / 17) % 4 == 0 ? Math.max(0, archivedTo[p] - 1) : archivedTo[p];
          archived.add(new Archived(p, start, end));
          archivedTo[p] = end;
        }
      }
      default -> {
        if (arg % 2 == 0) {
          CheckpointEvent e = archived.pollFirst();
          if (e instanceof Archived a && a.start() <= deliveredTo[a.partition()]) {
            deliveredTo[a.partition()] = Math.max(deliveredTo[a.partition()], a.end());
          }
          return e;
        }
        return new Poll(endOffsets.clone());
      }
    }
    return null;
  }

  /** Whether the archived events handed to the app so far cover this offset of this partition. */
  boolean archived(int partition, long offset) {
    return offset < deliveredTo[partition];
  }

  private Optional<Queue> live(int arg) {
    List<Queue> live = queues.stream().filter(q -> q.alive).toList();
    return live.isEmpty() ? Optional.empty() : Optional.of(live.get(arg % live.size()));
  }

  private Optional<Queue> listed(int arg) {
    List<Queue> listed = queues.stream().filter(q -> q.inStorage).toList();
    return listed.isEmpty() ? Optional.empty() : Optional.of(listed.get(arg % listed.size()));
  }

  /** Ships and acknowledges a batch; then the marker, then the storage drops fully shipped WALs. */
  private void ship(Queue q, int count, int arg) {
    int to = Math.min(q.edits.size(), q.shipped + count);
    if (to == q.shipped) {
      cleanUp(q);
      return;
    }
    long newest = Long.MIN_VALUE;
    for (int i = q.shipped; i < to; i++) {
      Edit e = q.edits.get(i);
      int p = (arg + i) % PARTITIONS;
      e.copies.add(new long[] {p, endOffsets[p]++});
      newest = Math.max(newest, e.writeTime);
    }
    q.shipped = to;
    if (markers) {
      progress.add(new Marker(q.key, newest - MARGIN, now, MARGIN));
    }
    cleanUp(q);
  }

  private void cleanUp(Queue q) {
    while (!q.wals.isEmpty()) {
      long[] oldest = q.wals.peekFirst();
      long[] next = q.wals.size() > 1 ? nth(q, 1) : null;
      long endOfWal = next == null ? q.edits.size() : next[1];
      boolean closed = next != null || !q.alive;
      if (closed && q.shipped >= endOfWal) {
        q.wals.pollFirst();
      } else {
        break;
      }
    }
    if (q.wals.isEmpty()) {
      q.inStorage = false;
    }
  }

  private static long[] nth(Queue q, int n) {
    return q.wals.stream().skip(n).findFirst().orElseThrow();
  }

  /** The server dies; a survivor claims the queue and re-ships from the stored position. */
  private void kill(Queue q) {
    q.alive = false;
    long firstListed = q.wals.peekFirst()[1];
    q.shipped = (int) Math.max(firstListed, q.shipped - (now % 3));
    cleanUp(q);
  }

  /** Every edit ever appended, shipped or not. */
  List<Edit> edits() {
    List<Edit> all = new ArrayList<>();
    queues.forEach(q -> all.addAll(q.edits));
    return all;
  }
}
