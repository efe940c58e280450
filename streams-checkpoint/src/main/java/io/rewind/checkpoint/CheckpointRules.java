package io.rewind.checkpoint;

import io.rewind.checkpoint.RulesState.ClaimEntry;
import io.rewind.checkpoint.RulesState.EpochEntry;
import io.rewind.checkpoint.RulesState.MetaEntry;
import io.rewind.checkpoint.RulesState.PartitionEntry;
import io.rewind.checkpoint.RulesState.QueueEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checkpoint rules of docs/architecture.md ("The checkpoint"), per replication queue, gated on
 * what is durably archived. Pure: events go in, in consumption order, and the checkpoint C comes
 * out; no Kafka and no I/O.
 *
 * <p>Claims (snapshot listings, markers, removals) wait for the first end-offset poll of the edits
 * topic that starts after them (their epoch) and become effective once every partition's contiguous
 * archived frontier reaches that poll's end offsets. End offsets only grow, so epochs become
 * effective in order and wait in a FIFO.
 *
 * <p>Cost per event is O(log n) in the number of queues (contributions sit in an ordered set),
 * amortized where one archive event releases many claims; a snapshot costs O(n log n), as reading
 * it does.
 *
 * <p>The membership guard is a claim too: "every queue that exists at R is listed, and every queue
 * that is not has had all its edits acknowledged". A queue can be created, ship its edits and be
 * removed between two snapshot reads (a region server that dies right after it starts); with
 * markers off nothing else speaks for those edits. So R − margin caps C only once the snapshot's
 * epoch is effective, like any other claim.
 *
 * <p>One deliberate refinement of the new-queue rule ({@link #RULE_NEW_QUEUE}): a new queue keeps
 * its floor R' − margin even after a claim becomes effective, contributing the higher of the two.
 * The floor is a fact about the queue's edits (none is older), so it stays true; dropping it would
 * let a lower first marker (an edit appended just after R' with an older write time) pull C
 * backwards.
 */
public final class CheckpointRules {

  public static final String RULE_EFFECTIVE_CLAIM = "effective-claim";
  public static final String RULE_NEW_QUEUE = "new-queue(R'-margin)";
  public static final String RULE_MEMBERSHIP_GUARD = "membership-guard(R_latest-margin)";
  public static final String RULE_NO_QUEUES = "no-queues";
  public static final String RULE_AWAITING_CLAIM = "awaiting-first-effective-claim";

  /** The bound of a claim that carries only a removal. */
  private static final long NO_BOUND = Long.MIN_VALUE;

  private static final long NO_REMOVAL = -1;

  private Long latestReadTime;

  /** R_latest − margin of the newest snapshot consumed. */
  private long latestGuard;

  /** The highest R − margin of a snapshot received since the last poll, or null. */
  private Long unattachedGuard;

  /** The highest R − margin of a snapshot whose epoch is effective, or null. */
  private Long effectiveGuard;

  private Long lastC;
  private long nextClaimSeq;
  private long nextEpochSeq;
  private long[] maxEndOffsets = new long[0];

  private final Map<QueueKey, QueueState> queues = new HashMap<>();

  /** Queues whose removal became effective: markers for them are stale and ignored. */
  private final Set<QueueKey> removed = new HashSet<>();

  private final TreeSet<QueueState> contributions =
      new TreeSet<>(
          Comparator.comparingLong((QueueState q) -> q.contribution).thenComparing(q -> q.key));
  private int blocking;
  private final Map<Integer, PartitionFrontier> frontiers = new HashMap<>();

  /** Claims received since the last end-offset poll, merged per queue. */
  private final Map<QueueKey, Claim> unattached = new LinkedHashMap<>();

  private final ArrayDeque<Epoch> epochs = new ArrayDeque<>();

  private Optional<CheckpointResult> current = Optional.empty();

  private boolean metaDirty;
  private final Set<QueueKey> dirtyQueues = new HashSet<>();
  private final Set<QueueKey> dirtyClaims = new HashSet<>();
  private final Set<Integer> dirtyPartitions = new HashSet<>();

  /** Epochs created (the epoch) or released (null) since the last drain. */
  private final Map<Long, Epoch> dirtyEpochs = new HashMap<>();

  private final Set<QueueKey> changedViews = new HashSet<>();

  /**
   * A cluster snapshot read at {@code readTime}; listing bounds already have the margin subtracted.
   */
  public Optional<CheckpointResult> onSnapshot(
      long readTime, long marginMs, List<Listing> listings) {
    if (latestReadTime != null && readTime <= latestReadTime) {
      // An older cut (a slower second publisher): its absences prove nothing after a newer cut.
      return recompute();
    }
    Long newQueueFloor = floorAfterNewestSnapshot(marginMs);
    Set<QueueKey> listed = new HashSet<>();
    for (Listing listing : listings) {
      QueueKey key = listing.queue();
      listed.add(key);
      QueueState q = queues.get(key);
      if (q == null) {
        // First seen, or listed again after an effective removal (a cut that was not consistent).
        removed.remove(key);
        q = admit(key, newQueueFloor);
      } else if (q.removalClaimSeq != NO_REMOVAL) {
        q.removalClaimSeq = NO_REMOVAL;
        changed(q);
      }
      if (!q.listed) {
        q.listed = true;
        dirtyQueues.add(key);
      }
      addClaim(key, listing.bound(), NO_REMOVAL);
    }
    for (QueueState q : new ArrayList<>(queues.values())) {
      if (listed.contains(q.key) || q.removalClaimSeq != NO_REMOVAL) {
        continue;
      }
      boolean knownBefore = q.listed || (q.markerExistedBy != null && q.markerExistedBy < readTime);
      if (knownBefore) {
        q.removalClaimSeq = nextClaimSeq;
        addClaim(q.key, NO_BOUND, q.removalClaimSeq);
        changed(q);
      }
    }
    latestReadTime = readTime;
    latestGuard = readTime - marginMs;
    unattachedGuard =
        unattachedGuard == null ? latestGuard : Math.max(unattachedGuard, latestGuard);
    metaDirty = true;
    return recompute();
  }

  /** A marker: every edit of the queue with write time below {@code bound} is acknowledged. */
  public Optional<CheckpointResult> onMarker(
      QueueKey queue, long bound, long sendTime, long marginMs) {
    if (removed.contains(queue)) {
      return recompute();
    }
    QueueState q = queues.get(queue);
    if (q == null) {
      // Not in the newest snapshot, so created after it was read: none of its edits is older.
      q = admit(queue, floorAfterNewestSnapshot(marginMs));
    }
    long existedBy = sendTime + marginMs;
    if (q.markerExistedBy == null || existedBy < q.markerExistedBy) {
      q.markerExistedBy = existedBy;
    }
    if (q.lastMarkerSendTime == null || sendTime > q.lastMarkerSendTime) {
      q.lastMarkerSendTime = sendTime;
      changedViews.add(queue);
    }
    dirtyQueues.add(queue);
    addClaim(queue, bound, NO_REMOVAL);
    return recompute();
  }

  /**
   * The end offsets of every partition of the edits topic, from a poll that started after every
   * claim received so far: those claims become effective once the archive reaches them.
   */
  public Optional<CheckpointResult> onEndOffsets(long[] endOffsets) {
    long[] merged = Arrays.copyOf(maxEndOffsets, Math.max(maxEndOffsets.length, endOffsets.length));
    for (int p = 0; p < endOffsets.length; p++) {
      merged[p] = Math.max(merged[p], endOffsets[p]);
    }
    if (!Arrays.equals(merged, maxEndOffsets)) {
      maxEndOffsets = merged;
      metaDirty = true;
    }
    if (!unattached.isEmpty() || unattachedGuard != null) {
      Epoch epoch =
          new Epoch(
              nextEpochSeq++,
              maxEndOffsets.clone(),
              unattachedGuard,
              new ArrayList<>(unattached.values()));
      epochs.addLast(epoch);
      dirtyEpochs.put(epoch.seq, epoch);
      dirtyClaims.addAll(unattached.keySet());
      unattached.clear();
      unattachedGuard = null;
      metaDirty = true;
    }
    releaseEffective();
    return recompute();
  }

  /** A committed segment covering offsets [start, end) of a partition of the edits topic. */
  public Optional<CheckpointResult> onArchived(int partition, long start, long end) {
    PartitionFrontier frontier = frontiers.computeIfAbsent(partition, p -> new PartitionFrontier());
    if (frontier.add(start, end)) {
      dirtyPartitions.add(partition);
      releaseEffective();
    }
    return recompute();
  }

  /** The checkpoint after the last event; empty while none can be published. */
  public Optional<CheckpointResult> current() {
    return current;
  }

  /** The contiguous archived frontier of a partition; 0 when it was never archived. */
  public long frontier(int partition) {
    PartitionFrontier f = frontiers.get(partition);
    return f == null ? 0 : f.frontier();
  }

  public int queueCount() {
    return queues.size();
  }

  public Optional<QueueView> queue(QueueKey key) {
    QueueState q = queues.get(key);
    return q == null ? Optional.empty() : Optional.of(q.view());
  }

  /** Every known queue, ordered by identity. */
  public List<QueueView> queues() {
    List<QueueView> views = new ArrayList<>();
    new TreeMap<>(queues).values().forEach(q -> views.add(q.view()));
    return views;
  }

  /** The per-queue rows changed since the last call: a view, or empty for a queue that is gone. */
  public Map<QueueKey, Optional<QueueView>> drainChangedQueues() {
    Map<QueueKey, Optional<QueueView>> out = new TreeMap<>();
    for (QueueKey key : changedViews) {
      out.put(key, queue(key));
    }
    changedViews.clear();
    return out;
  }

  /**
   * The state entries changed since the last call, encoded; a null value means the entry is gone.
   * Writing them to a key-value store keeps it equal to {@link #exportState()}.
   */
  public Map<String, byte[]> drainChangedState() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (metaDirty) {
      out.put(RulesState.META, RulesState.encode(meta()));
      metaDirty = false;
    }
    for (QueueKey key : dirtyQueues) {
      out.put(RulesState.queueKey(key), encodeQueue(key));
    }
    dirtyQueues.clear();
    for (QueueKey key : dirtyClaims) {
      Claim c = unattached.get(key);
      out.put(RulesState.claimKey(key), c == null ? null : RulesState.encode(c.entry()));
    }
    dirtyClaims.clear();
    for (Integer p : dirtyPartitions) {
      out.put(RulesState.partitionKey(p), RulesState.encode(partitionEntry(p, frontiers.get(p))));
    }
    dirtyPartitions.clear();
    dirtyEpochs.forEach(
        (seq, e) ->
            out.put(RulesState.epochKey(seq), e == null ? null : RulesState.encode(e.entry())));
    dirtyEpochs.clear();
    return out;
  }

  /** Every state entry, encoded. */
  public Map<String, byte[]> exportState() {
    Map<String, byte[]> out = new TreeMap<>();
    out.put(RulesState.META, RulesState.encode(meta()));
    queues.keySet().forEach(k -> out.put(RulesState.queueKey(k), encodeQueue(k)));
    removed.forEach(k -> out.put(RulesState.queueKey(k), encodeQueue(k)));
    unattached.forEach((k, c) -> out.put(RulesState.claimKey(k), RulesState.encode(c.entry())));
    frontiers.forEach(
        (p, f) -> out.put(RulesState.partitionKey(p), RulesState.encode(partitionEntry(p, f))));
    epochs.forEach(e -> out.put(RulesState.epochKey(e.seq), RulesState.encode(e.entry())));
    return out;
  }

  /**
   * Rebuilds the rules from entries written by {@link #drainChangedState()} or {@link
   * #exportState()}.
   */
  public static CheckpointRules importState(Map<String, byte[]> entries) {
    CheckpointRules rules = new CheckpointRules();
    List<Epoch> epochs = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      String key = e.getKey();
      byte[] bytes = e.getValue();
      if (bytes == null) {
        continue;
      }
      if (key.equals(RulesState.META)) {
        MetaEntry m = RulesState.decode(key, bytes, MetaEntry.class);
        rules.latestReadTime = m.latestReadTime();
        rules.latestGuard = m.latestGuard();
        rules.unattachedGuard = m.unattachedGuard();
        rules.effectiveGuard = m.effectiveGuard();
        rules.lastC = m.lastC();
        rules.nextClaimSeq = m.nextClaimSeq();
        rules.nextEpochSeq = m.nextEpochSeq();
        rules.maxEndOffsets = m.maxEndOffsets() == null ? new long[0] : m.maxEndOffsets();
      } else if (key.startsWith(RulesState.QUEUE)) {
        rules.importQueue(RulesState.decode(key, bytes, QueueEntry.class));
      } else if (key.startsWith(RulesState.CLAIM)) {
        Claim c = Claim.of(RulesState.decode(key, bytes, ClaimEntry.class));
        rules.unattached.put(c.queue, c);
      } else if (key.startsWith(RulesState.PARTITION)) {
        PartitionEntry p = RulesState.decode(key, bytes, PartitionEntry.class);
        Map<Long, Long> pending = new HashMap<>();
        p.pending().forEach(r -> pending.put(r[0], r[1]));
        rules.frontiers.put(
            p.partition(), new PartitionFrontier(p.started(), p.frontier(), pending));
      } else if (key.startsWith(RulesState.EPOCH)) {
        EpochEntry entry = RulesState.decode(key, bytes, EpochEntry.class);
        List<Claim> claims = new ArrayList<>();
        entry.claims().forEach(c -> claims.add(Claim.of(c)));
        epochs.add(new Epoch(entry.seq(), entry.endOffsets(), entry.guard(), claims));
      } else {
        throw new CorruptCheckpointStateException(
            "unknown checkpoint state entry '"
                + key
                + "': the state was written by a newer version;"
                + " run that version or reset the checkpoint app",
            null);
      }
    }
    epochs.sort(Comparator.comparingLong(e -> e.seq));
    rules.epochs.addAll(epochs);
    rules.current = rules.evaluate(false);
    return rules;
  }

  private void importQueue(QueueEntry e) {
    QueueKey key = new QueueKey(e.server(), e.walGroup());
    if (e.removed()) {
      removed.add(key);
      return;
    }
    QueueState q = new QueueState(key);
    q.floor = e.floor();
    q.best = e.best();
    q.listed = e.listed();
    q.markerExistedBy = e.markerExistedBy();
    q.lastMarkerSendTime = e.lastMarkerSendTime();
    q.removalClaimSeq = e.removalClaimSeq();
    queues.put(key, q);
    attach(q);
  }

  /**
   * Rule 2's R' − margin for a queue absent from the newest snapshot: with the larger of that
   * snapshot's margin and the one just received, so a raised margin takes effect at once.
   */
  private Long floorAfterNewestSnapshot(long marginMs) {
    if (latestReadTime == null) {
      return null;
    }
    return Math.min(latestGuard, latestReadTime - marginMs);
  }

  private QueueState admit(QueueKey key, Long floor) {
    QueueState q = new QueueState(key);
    q.floor = floor;
    queues.put(key, q);
    attach(q);
    changed(q);
    return q;
  }

  private void addClaim(QueueKey queue, long bound, long removalSeq) {
    Claim merged = unattached.merge(queue, new Claim(queue, bound, removalSeq), Claim::merge);
    dirtyClaims.add(merged.queue);
    if (removalSeq != NO_REMOVAL) {
      nextClaimSeq = removalSeq + 1;
      metaDirty = true;
    }
  }

  private void releaseEffective() {
    while (!epochs.isEmpty() && archivedUpTo(epochs.peekFirst().endOffsets)) {
      Epoch epoch = epochs.pollFirst();
      dirtyEpochs.put(epoch.seq, null);
      if (epoch.guard != null && (effectiveGuard == null || epoch.guard > effectiveGuard)) {
        effectiveGuard = epoch.guard;
        metaDirty = true;
      }
      epoch.claims.forEach(this::apply);
    }
  }

  private boolean archivedUpTo(long[] endOffsets) {
    for (int p = 0; p < endOffsets.length; p++) {
      if (frontier(p) < endOffsets[p]) {
        return false;
      }
    }
    return true;
  }

  private void apply(Claim claim) {
    QueueState q = queues.get(claim.queue);
    if (q == null) {
      return;
    }
    if (claim.removalSeq != NO_REMOVAL && claim.removalSeq == q.removalClaimSeq) {
      detach(q);
      queues.remove(q.key);
      removed.add(q.key);
      dirtyQueues.add(q.key);
      changedViews.add(q.key);
      return;
    }
    if (claim.bound != NO_BOUND && (q.best == null || claim.bound > q.best)) {
      detach(q);
      q.best = claim.bound;
      attach(q);
      changed(q);
    }
  }

  private void attach(QueueState q) {
    q.contribution = q.computeContribution();
    if (q.contribution == null) {
      blocking++;
    } else {
      contributions.add(q);
    }
  }

  private void detach(QueueState q) {
    if (q.contribution == null) {
      blocking--;
    } else {
      contributions.remove(q);
    }
  }

  private void changed(QueueState q) {
    dirtyQueues.add(q.key);
    changedViews.add(q.key);
  }

  private Optional<CheckpointResult> recompute() {
    current = evaluate(true);
    return current;
  }

  private Optional<CheckpointResult> evaluate(boolean remember) {
    if (effectiveGuard == null || blocking > 0) {
      return Optional.empty();
    }
    long guard = effectiveGuard;
    long time;
    QueueKey heldBy = null;
    String rule;
    if (contributions.isEmpty()) {
      time = guard - 1;
      rule = RULE_NO_QUEUES;
    } else if (contributions.first().contribution <= guard) {
      QueueState min = contributions.first();
      time = min.contribution - 1;
      heldBy = min.key;
      rule = min.rule();
    } else {
      time = guard - 1;
      rule = RULE_MEMBERSHIP_GUARD;
    }
    boolean decreased = lastC != null && time < lastC;
    if (remember && (lastC == null || time != lastC)) {
      lastC = time;
      metaDirty = true;
    }
    if (!remember) {
      decreased = false;
    }
    return Optional.of(new CheckpointResult(time, heldBy, rule, decreased, queues.size()));
  }

  private MetaEntry meta() {
    return new MetaEntry(
        latestReadTime,
        latestGuard,
        unattachedGuard,
        effectiveGuard,
        lastC,
        nextClaimSeq,
        nextEpochSeq,
        maxEndOffsets);
  }

  private byte[] encodeQueue(QueueKey key) {
    QueueState q = queues.get(key);
    if (q == null) {
      return removed.contains(key)
          ? RulesState.encode(
              new QueueEntry(
                  key.server(), key.walGroup(), true, null, null, false, null, null, NO_REMOVAL))
          : null;
    }
    return RulesState.encode(
        new QueueEntry(
            key.server(),
            key.walGroup(),
            false,
            q.floor,
            q.best,
            q.listed,
            q.markerExistedBy,
            q.lastMarkerSendTime,
            q.removalClaimSeq));
  }

  private static PartitionEntry partitionEntry(int partition, PartitionFrontier f) {
    List<long[]> pending = new ArrayList<>();
    f.pending().forEach((s, e) -> pending.add(new long[] {s, e}));
    return new PartitionEntry(partition, f.started(), f.frontier(), pending);
  }

  /** What the rules know of one live queue. */
  private static final class QueueState {
    final QueueKey key;

    /** Rule 2: no edit of the queue is older than this (R' − margin), or null. */
    Long floor;

    /** The highest effective claim, or null. */
    Long best;

    /** Listed by a snapshot at least once: absent from a later one, it is removed. */
    boolean listed;

    /** The queue existed before this time (a marker's send time + margin), or null. */
    Long markerExistedBy;

    Long lastMarkerSendTime;

    /** The sequence of the pending removal claim, or NO_REMOVAL. */
    long removalClaimSeq = NO_REMOVAL;

    /** The value indexed in the ordered set (null while blocking); kept to find it again. */
    Long contribution;

    QueueState(QueueKey key) {
      this.key = key;
    }

    Long computeContribution() {
      if (best == null) {
        return floor;
      }
      return floor == null ? best : Math.max(best, floor);
    }

    String rule() {
      if (contribution == null) {
        return RULE_AWAITING_CLAIM;
      }
      return best != null && best >= contribution ? RULE_EFFECTIVE_CLAIM : RULE_NEW_QUEUE;
    }

    QueueView view() {
      return new QueueView(
          key, contribution, rule(), lastMarkerSendTime, removalClaimSeq != NO_REMOVAL);
    }
  }

  /** The strongest claims received for one queue within one epoch. */
  private static final class Claim {
    final QueueKey queue;
    final long bound;
    final long removalSeq;

    Claim(QueueKey queue, long bound, long removalSeq) {
      this.queue = queue;
      this.bound = bound;
      this.removalSeq = removalSeq;
    }

    static Claim merge(Claim a, Claim b) {
      return new Claim(a.queue, Math.max(a.bound, b.bound), Math.max(a.removalSeq, b.removalSeq));
    }

    static Claim of(ClaimEntry e) {
      return new Claim(new QueueKey(e.server(), e.walGroup()), e.bound(), e.removalSeq());
    }

    ClaimEntry entry() {
      return new ClaimEntry(queue.server(), queue.walGroup(), bound, removalSeq);
    }
  }

  /** The claims attached to one end-offset poll. */
  private static final class Epoch {
    final long seq;
    final long[] endOffsets;

    /** The membership guard R − margin of the newest snapshot among the claims, or null. */
    final Long guard;

    final List<Claim> claims;

    Epoch(long seq, long[] endOffsets, Long guard, List<Claim> claims) {
      this.seq = seq;
      this.endOffsets = endOffsets;
      this.guard = guard;
      this.claims = claims;
    }

    EpochEntry entry() {
      List<ClaimEntry> entries = new ArrayList<>();
      claims.forEach(c -> entries.add(c.entry()));
      return new EpochEntry(seq, endOffsets, guard, entries);
    }
  }
}
