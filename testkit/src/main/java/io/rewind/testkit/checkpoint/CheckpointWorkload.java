package io.rewind.testkit.checkpoint;

import io.rewind.checkpoint.CheckpointEvent;
import io.rewind.checkpoint.CheckpointEvent.Archived;
import io.rewind.checkpoint.CheckpointEvent.Marker;
import io.rewind.checkpoint.CheckpointEvent.Poll;
import io.rewind.checkpoint.CheckpointEvent.Snapshot;
import io.rewind.checkpoint.CheckpointRules;
import io.rewind.checkpoint.Listing;
import io.rewind.checkpoint.QueueKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded, steady-state stream of checkpoint events for a fleet of {@code queues} replication
 * queues, at the cadences of a real deployment: in each tick of {@link #TICK_MS} every live queue
 * ships a batch and publishes a marker (the shipper's interval), the end offsets of {@link
 * #PARTITIONS} partitions grow, the checkpoint app polls them every other tick, a cluster snapshot
 * lists every queue every third tick, WALs roll every 2 s, each partition's archiver commits a
 * segment every second, and every {@link #CHURN_TICKS} ticks one server dies (its queue is shipped
 * by a survivor for a while, then leaves the storage) and a new one starts. {@code rewind bench
 * checkpoint} replays it through {@link CheckpointRules} and {@link ReferenceCheckpoint}.
 */
public final class CheckpointWorkload {

  public static final long TICK_MS = 100;
  public static final int PARTITIONS = 12;
  public static final long MARGIN_MS = 500;
  static final int POLL_TICKS = 2;
  static final int SNAPSHOT_TICKS = 3;
  static final int WAL_ROLL_TICKS = 20;
  static final int ARCHIVE_TICKS = 10;
  static final int CHURN_TICKS = 10;

  /** How long a dead server's queue is shipped by its claimer before it leaves the storage. */
  static final int RECOVERY_TICKS = 5;

  static final int EDITS_PER_TICK = 5_000;
  private static final long START = 1_700_000_000_000L;

  private CheckpointWorkload() {}

  /** Roughly {@code queues} events per tick: markers dominate, as they do in production. */
  public static List<CheckpointEvent> generate(int queues, int ticks, long seed) {
    if (queues < 1 || ticks < 1) {
      throw new IllegalArgumentException(
          "a workload needs at least one queue and one tick, got " + queues + " and " + ticks);
    }
    Random random = new Random(seed);
    List<SimQueue> fleet = new ArrayList<>();
    for (int i = 0; i < queues; i++) {
      fleet.add(
          new SimQueue(
              queueKey(i),
              START - random.nextInt((int) (WAL_ROLL_TICKS * TICK_MS)),
              i % WAL_ROLL_TICKS));
    }
    int nextServer = queues;
    long[] endOffsets = new long[PARTITIONS];
    long[] archivedTo = new long[PARTITIONS];
    long[] previousEnd = new long[PARTITIONS];
    List<CheckpointEvent> events = new ArrayList<>(queues * (ticks + 1) + ticks * 3);
    for (int tick = 0; tick < ticks; tick++) {
      long now = START + tick * TICK_MS;
      if (tick > 0 && tick % CHURN_TICKS == 0) {
        List<SimQueue> alive = fleet.stream().filter(q -> q.diedAt < 0).toList();
        alive.get(random.nextInt(alive.size())).diedAt = tick;
        fleet.add(new SimQueue(queueKey(nextServer++), now, tick % WAL_ROLL_TICKS));
      }
      int current = tick;
      fleet.removeIf(q -> q.diedAt >= 0 && current - q.diedAt > RECOVERY_TICKS);
      for (SimQueue q : fleet) {
        if ((tick + q.rollPhase) % WAL_ROLL_TICKS == 0 && q.diedAt < 0) {
          q.oldestWalStart = now;
        }
      }
      System.arraycopy(endOffsets, 0, previousEnd, 0, PARTITIONS);
      for (int p = 0; p < PARTITIONS; p++) {
        endOffsets[p] += EDITS_PER_TICK / PARTITIONS;
      }
      List<SimQueue> shipping = new ArrayList<>(fleet);
      Collections.shuffle(shipping, random);
      for (SimQueue q : shipping) {
        if (q.listedSince > tick) {
          continue;
        }
        // The newest write time shipped: a little behind now, appends race within the margin.
        long newest = Math.max(q.lastNewest, now - random.nextInt(50));
        q.lastNewest = newest;
        events.add(new Marker(q.key, newest - MARGIN_MS, now, MARGIN_MS));
      }
      if (tick % SNAPSHOT_TICKS == 0) {
        List<Listing> listings = new ArrayList<>();
        for (SimQueue q : fleet) {
          listings.add(new Listing(q.key, q.oldestWalStart - MARGIN_MS));
          q.listedSince = Math.min(q.listedSince, tick);
        }
        events.add(new Snapshot(now, MARGIN_MS, listings));
      }
      for (int p = 0; p < PARTITIONS; p++) {
        if ((tick + p) % ARCHIVE_TICKS == 0 && previousEnd[p] > archivedTo[p]) {
          // The archiver lags a tick: it commits what it had consumed when the segment rolled.
          events.add(new Archived(p, archivedTo[p], previousEnd[p]));
          archivedTo[p] = previousEnd[p];
        }
      }
      if (tick % POLL_TICKS == 0) {
        events.add(new Poll(endOffsets.clone()));
      }
    }
    return events;
  }

  private static QueueKey queueKey(int server) {
    String name = "rs" + server + ".example.com,16020,1700000000000";
    return new QueueKey(name, name.replace(",", "%2C"));
  }

  private static final class SimQueue {
    final QueueKey key;
    final int rollPhase;
    long oldestWalStart;
    long lastNewest = Long.MIN_VALUE;

    /** The first tick of a snapshot listing it: its endpoint starts after the storage lists it. */
    int listedSince = Integer.MAX_VALUE;

    int diedAt = -1;

    SimQueue(QueueKey key, long oldestWalStart, int rollPhase) {
      this.key = key;
      this.oldestWalStart = oldestWalStart;
      this.rollPhase = rollPhase;
    }
  }
}
