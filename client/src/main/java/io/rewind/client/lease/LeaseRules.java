package io.rewind.client.lease;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The lease rules, apart from I/O (the caller reads the record, applies a rule and writes the
 * result by compare-and-swap, retrying on a conflict):
 *
 * <ul>
 *   <li>a lease is live until its expiry plus the allowed clock skew: expiries are the holder's
 *       clock, judged by another host's;
 *   <li>a grant is refused while a live lease shares a resource; dead leases are dropped by any
 *       write;
 *   <li>a grant's epoch is the record's sequence after it, so epochs only grow;
 *   <li>a renewal succeeds while the holder's entry is still in the record, however late: nobody
 *       took over, because taking over drops the entry first.
 * </ul>
 */
public final class LeaseRules {

  private LeaseRules() {}

  public static boolean live(LeaseEntry e, long now, long skewMs) {
    return e.expiresAt + skewMs > now;
  }

  /** The live leases that share a resource with {@code resources}. */
  public static List<LeaseEntry> blockers(
      LeaseRecord record, Collection<String> resources, long now, long skewMs) {
    List<LeaseEntry> blocking = new ArrayList<>();
    for (LeaseEntry e : record.leases) {
      if (live(e, now, skewMs)
          && (e.resources.contains(LeaseResources.EVERYTHING)
              || e.resources.stream().anyMatch(resources::contains))) {
        blocking.add(e);
      }
    }
    return blocking;
  }

  /**
   * The record with {@code candidate} granted (its epoch and times set), dead leases dropped; empty
   * when a live lease blocks it.
   */
  public static Optional<LeaseRecord> grant(
      LeaseRecord record, LeaseEntry candidate, long now, long durationMs, long skewMs) {
    if (!blockers(record, candidate.resources, now, skewMs).isEmpty()) {
      return Optional.empty();
    }
    LeaseRecord next = next(record, now, skewMs, null);
    candidate.epoch = next.sequence;
    candidate.acquiredAt = now;
    candidate.renewedAt = now;
    candidate.expiresAt = now + durationMs;
    next.leases.add(candidate);
    return Optional.of(next);
  }

  /** The record with the lease's expiry moved on; empty when it is no longer there (lost). */
  public static Optional<LeaseRecord> renew(
      LeaseRecord record, String id, long epoch, long now, long durationMs, long skewMs) {
    if (find(record, id, epoch).isEmpty()) {
      return Optional.empty();
    }
    // Kept even when late by its own clock: it is still here, so nobody took over, and a grant that
    // reads the same version as this renewal fails its compare-and-swap if this one wins.
    LeaseRecord next = next(record, now, skewMs, id);
    for (LeaseEntry e : next.leases) {
      if (e.id.equals(id)) {
        e.renewedAt = now;
        e.expiresAt = Math.max(e.expiresAt, now + durationMs);
      }
    }
    return Optional.of(next);
  }

  /** The record without the lease (and without dead ones). */
  public static LeaseRecord release(LeaseRecord record, String id, long now, long skewMs) {
    LeaseRecord next = next(record, now, skewMs, null);
    next.leases.removeIf(e -> e.id.equals(id));
    return next;
  }

  public static Optional<LeaseEntry> find(LeaseRecord record, String id, long epoch) {
    return record.leases.stream().filter(e -> e.id.equals(id) && e.epoch == epoch).findFirst();
  }

  /** A copy for the next write: sequence + 1, dead leases dropped (except {@code keep}). */
  private static LeaseRecord next(LeaseRecord record, long now, long skewMs, String keep) {
    LeaseRecord next = new LeaseRecord();
    next.sequence = record.sequence + 1;
    next.writtenAt = now;
    for (LeaseEntry e : record.leases) {
      if (live(e, now, skewMs) || e.id.equals(keep)) {
        next.leases.add(copy(e));
      }
    }
    return next;
  }

  private static LeaseEntry copy(LeaseEntry e) {
    LeaseEntry c = new LeaseEntry();
    c.id = e.id;
    c.operation = e.operation;
    c.resources = new ArrayList<>(e.resources);
    c.host = e.host;
    c.pid = e.pid;
    c.process = e.process;
    c.epoch = e.epoch;
    c.acquiredAt = e.acquiredAt;
    c.renewedAt = e.renewedAt;
    c.expiresAt = e.expiresAt;
    return c;
  }
}
