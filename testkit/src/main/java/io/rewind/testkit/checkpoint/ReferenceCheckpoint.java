package io.rewind.testkit.checkpoint;

import io.rewind.checkpoint.CheckpointEvent;
import io.rewind.checkpoint.CheckpointEvent.Archived;
import io.rewind.checkpoint.CheckpointEvent.Marker;
import io.rewind.checkpoint.CheckpointEvent.Poll;
import io.rewind.checkpoint.CheckpointEvent.Snapshot;
import io.rewind.checkpoint.CheckpointResult;
import io.rewind.checkpoint.CheckpointRules;
import io.rewind.checkpoint.Listing;
import io.rewind.checkpoint.QueueKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A brute-force statement of the checkpoint rules: after each event it rescans the whole history
 * (every archive range, every poll, every claim, every queue) with no ordered structures, epochs or
 * merging. It is the oracle {@link CheckpointRules} is checked against in the property tests, and
 * the baseline of {@code rewind bench checkpoint}; its cost grows with the history, so it is never
 * run in the checkpoint app.
 */
public final class ReferenceCheckpoint {

  private static final class Queue {
    Long floor;
    Long best;
    boolean listedBefore;
    Long markerExistedBy;

    /** Id of the pending removal claim, or null. */
    Integer pendingRemoval;
  }

  /** A bound or a removal for a queue, or (queue null) a snapshot's membership guard R − margin. */
  private record Claim(int id, int receivedAt, QueueKey queue, Long bound, boolean removal) {}

  private final List<CheckpointEvent> history = new ArrayList<>();
  private final Map<QueueKey, Queue> queues = new HashMap<>();
  private final Set<QueueKey> removed = new HashSet<>();
  private final List<Claim> claims = new ArrayList<>();
  private final Set<Integer> applied = new HashSet<>();
  private Long latestReadTime;
  private long latestMargin;
  private Long lastC;
  private Long effectiveGuard;

  /** Adds one event to the history; returns the checkpoint the rules give after it. */
  public Optional<CheckpointResult> add(CheckpointEvent e) {
    int index = history.size();
    history.add(e);
    if (e instanceof Snapshot s) {
      snapshot(index, s);
    } else if (e instanceof Marker m) {
      marker(index, m);
    }
    releaseEffectiveClaims(index);
    return checkpoint();
  }

  private void snapshot(int index, Snapshot s) {
    if (latestReadTime != null && s.readTime() <= latestReadTime) {
      return;
    }
    Long floor =
        latestReadTime == null ? null : latestReadTime - Math.max(latestMargin, s.marginMs());
    Set<QueueKey> listed = new HashSet<>();
    for (Listing l : s.listings()) {
      listed.add(l.queue());
      Queue q = queues.get(l.queue());
      if (q == null) {
        removed.remove(l.queue());
        q = new Queue();
        q.floor = floor;
        queues.put(l.queue(), q);
      }
      q.pendingRemoval = null;
      q.listedBefore = true;
      claims.add(new Claim(claims.size(), index, l.queue(), l.bound(), false));
    }
    queues.forEach(
        (key, q) -> {
          boolean known =
              q.listedBefore || (q.markerExistedBy != null && q.markerExistedBy < s.readTime());
          if (!listed.contains(key) && q.pendingRemoval == null && known) {
            q.pendingRemoval = claims.size();
            claims.add(new Claim(claims.size(), index, key, null, true));
          }
        });
    latestReadTime = s.readTime();
    latestMargin = s.marginMs();
    claims.add(new Claim(claims.size(), index, null, s.readTime() - s.marginMs(), false));
  }

  private void marker(int index, Marker m) {
    if (removed.contains(m.queue())) {
      return;
    }
    Queue q = queues.get(m.queue());
    if (q == null) {
      q = new Queue();
      q.floor =
          latestReadTime == null ? null : latestReadTime - Math.max(latestMargin, m.marginMs());
      queues.put(m.queue(), q);
    }
    long existedBy = m.sendTime() + m.marginMs();
    q.markerExistedBy =
        q.markerExistedBy == null ? existedBy : Math.min(q.markerExistedBy, existedBy);
    claims.add(new Claim(claims.size(), index, m.queue(), m.bound(), false));
  }

  private void releaseEffectiveClaims(int now) {
    int partitions = 0;
    List<Integer> pollIndexes = new ArrayList<>();
    List<long[]> pollVectors = new ArrayList<>();
    long[] seen = new long[0];
    for (int i = 0; i <= now; i++) {
      CheckpointEvent e = history.get(i);
      if (e instanceof Poll p) {
        seen = max(seen, p.endOffsets());
        pollIndexes.add(i);
        pollVectors.add(seen);
        partitions = Math.max(partitions, seen.length);
      }
    }
    long[] frontiers = new long[partitions];
    for (int part = 0; part < partitions; part++) {
      frontiers[part] = frontier(part, now);
    }
    for (Claim c : claims) {
      if (applied.contains(c.id()) || !effective(c, pollIndexes, pollVectors, frontiers)) {
        continue;
      }
      applied.add(c.id());
      if (c.queue() == null) {
        effectiveGuard = effectiveGuard == null ? c.bound() : Math.max(effectiveGuard, c.bound());
        continue;
      }
      Queue q = queues.get(c.queue());
      if (q == null) {
        continue;
      }
      if (c.removal()) {
        if (q.pendingRemoval != null && q.pendingRemoval == c.id()) {
          queues.remove(c.queue());
          removed.add(c.queue());
        }
      } else if (q.best == null || c.bound() > q.best) {
        q.best = c.bound();
      }
    }
  }

  /** Effective: the first poll after the claim saw end offsets the archive has reached. */
  private static boolean effective(
      Claim c, List<Integer> pollIndexes, List<long[]> pollVectors, long[] frontiers) {
    for (int k = 0; k < pollIndexes.size(); k++) {
      if (pollIndexes.get(k) > c.receivedAt()) {
        long[] seen = pollVectors.get(k);
        for (int part = 0; part < seen.length; part++) {
          if (frontiers[part] < seen[part]) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  private static long[] max(long[] a, long[] b) {
    long[] m = new long[Math.max(a.length, b.length)];
    for (int i = 0; i < m.length; i++) {
      m[i] = Math.max(i < a.length ? a[i] : 0, i < b.length ? b[i] : 0);
    }
    return m;
  }

  /** The end of the unbroken run from the first range seen, by fixpoint over every range so far. */
  private long frontier(int partition, int now) {
    List<Archived> ranges = new ArrayList<>();
    for (int i = 0; i <= now && i < history.size(); i++) {
      if (history.get(i) instanceof Archived a
          && a.partition() == partition
          && a.end() > a.start()) {
        ranges.add(a);
      }
    }
    if (ranges.isEmpty()) {
      return 0;
    }
    long f = ranges.get(0).end();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Archived a : ranges) {
        if (a.start() <= f && a.end() > f) {
          f = a.end();
          grew = true;
        }
      }
    }
    return f;
  }

  private Optional<CheckpointResult> checkpoint() {
    if (effectiveGuard == null) {
      return Optional.empty();
    }
    long guard = effectiveGuard;
    Long min = null;
    QueueKey minQueue = null;
    String minRule = null;
    for (Map.Entry<QueueKey, Queue> e : queues.entrySet()) {
      Queue q = e.getValue();
      Long v;
      if (q.best == null) {
        v = q.floor;
      } else {
        v = q.floor == null ? q.best : Math.max(q.best, q.floor);
      }
      if (v == null) {
        return Optional.empty();
      }
      boolean smaller =
          min == null || v < min || (v.equals(min) && e.getKey().compareTo(minQueue) < 0);
      if (smaller) {
        min = v;
        minQueue = e.getKey();
        minRule =
            q.best != null && q.best >= v
                ? CheckpointRules.RULE_EFFECTIVE_CLAIM
                : CheckpointRules.RULE_NEW_QUEUE;
      }
    }
    CheckpointResult r;
    boolean decreased;
    if (min == null) {
      decreased = lastC != null && guard - 1 < lastC;
      r = new CheckpointResult(guard - 1, null, CheckpointRules.RULE_NO_QUEUES, decreased, 0);
    } else if (min <= guard) {
      decreased = lastC != null && min - 1 < lastC;
      r = new CheckpointResult(min - 1, minQueue, minRule, decreased, queues.size());
    } else {
      decreased = lastC != null && guard - 1 < lastC;
      r =
          new CheckpointResult(
              guard - 1, null, CheckpointRules.RULE_MEMBERSHIP_GUARD, decreased, queues.size());
    }
    lastC = r.time();
    return Optional.of(r);
  }
}
