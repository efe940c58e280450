package io.rewind.archiver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters of one archiver, readable from any thread (status, tests, the demo). */
public final class ArchiverMetrics {

  final AtomicLong recordsConsumed = new AtomicLong();
  final AtomicLong recordsArchived = new AtomicLong();
  final AtomicLong segmentsCommitted = new AtomicLong();
  final AtomicLong bytesCommitted = new AtomicLong();
  final AtomicLong invalidRecords = new AtomicLong();
  final AtomicLong archivedPublished = new AtomicLong();
  final AtomicLong rollRequestsAnswered = new AtomicLong();
  final AtomicLong tablesArchived = new AtomicLong();
  final AtomicLong commitsFenced = new AtomicLong();
  final AtomicLong commitFailures = new AtomicLong();
  final AtomicLong segmentsSuperseded = new AtomicLong();
  final AtomicLong partitionsStopped = new AtomicLong();
  final AtomicLong storeCommits = new AtomicLong();
  final AtomicLong storeCommitNanos = new AtomicLong();
  final AtomicLong lastSegmentBytes = new AtomicLong();
  private final AtomicLongArray rolls = new AtomicLongArray(RollReason.values().length);

  void rolled(RollReason reason) {
    rolls.incrementAndGet(reason.ordinal());
  }

  /**
   * Segments sealed for this reason (committed, or still being written; a failed write is not taken
   * back).
   */
  public long rolls(RollReason reason) {
    return rolls.get(reason.ordinal());
  }

  /**
   * {@link #rolls(RollReason)} of every reason, keyed by {@link RollReason#label()}, in declaration
   * order.
   */
  public Map<String, Long> rollsByReason() {
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (RollReason r : RollReason.values()) {
      byReason.put(r.label(), rolls(r));
    }
    return byReason;
  }

  /**
   * Records taken into segments, committed or still open (re-reads after a failure count again).
   */
  public long recordsConsumed() {
    return recordsConsumed.get();
  }

  /** Records in segments whose offsets this archiver committed. */
  public long recordsArchived() {
    return recordsArchived.get();
  }

  public long segmentsCommitted() {
    return segmentsCommitted.get();
  }

  /** Segment file bytes written by committed segments (compressed). */
  public long bytesCommitted() {
    return bytesCommitted.get();
  }

  /** Records that failed validation, archived anyway and copied to the dead-letter topic. */
  public long invalidRecords() {
    return invalidRecords.get();
  }

  /** Records sent to the archived topic, republished ones included. */
  public long archivedPublished() {
    return archivedPublished.get();
  }

  public long rollRequestsAnswered() {
    return rollRequestsAnswered.get();
  }

  /** Table descriptors written to the store. */
  public long tablesArchived() {
    return tablesArchived.get();
  }

  /** Offset commits the group rejected (this archiver no longer owned the partition). */
  public long commitsFenced() {
    return commitsFenced.get();
  }

  /**
   * Segments not committed because another archiver had already committed one at the same start
   * offset (this archiver had lost the partition): nothing was replaced.
   */
  public long segmentsSuperseded() {
    return segmentsSuperseded.get();
  }

  /** Commits that failed for other reasons (store or Kafka unavailable) and were retried. */
  public long commitFailures() {
    return commitFailures.get();
  }

  /** Segment-and-manifest writes to the store that finished (see {@link #storeCommitNanos()}). */
  public long storeCommits() {
    return storeCommits.get();
  }

  /**
   * Time spent writing segments and their manifests to the store, summed over {@link
   * #storeCommits()}.
   */
  public long storeCommitNanos() {
    return storeCommitNanos.get();
  }

  /** Size of the newest committed segment file, bytes. */
  public long lastSegmentBytes() {
    return lastSegmentBytes.get();
  }

  /** Partitions stopped for data loss or log truncation. */
  public long partitionsStopped() {
    return partitionsStopped.get();
  }

  @Override
  public String toString() {
    return "consumed="
        + recordsConsumed()
        + " archived="
        + recordsArchived()
        + " segments="
        + segmentsCommitted()
        + " bytes="
        + bytesCommitted()
        + " invalid="
        + invalidRecords()
        + " published="
        + archivedPublished()
        + " rolls="
        + rollRequestsAnswered()
        + " tables="
        + tablesArchived()
        + " fenced="
        + commitsFenced()
        + " superseded="
        + segmentsSuperseded()
        + " failures="
        + commitFailures()
        + " stopped="
        + partitionsStopped()
        + " rollsByReason="
        + rollsByReason();
  }
}
