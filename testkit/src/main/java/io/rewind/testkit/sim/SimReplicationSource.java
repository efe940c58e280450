package io.rewind.testkit.sim;

import io.rewind.producer.EditSink;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one replication queue of a simulated server through the sink, as HBase's replication source
 * and shipper do: read a batch after the position, publish it, publish a marker for the queue, move
 * on. A recovered source (a claimed queue) ships the dead server's WALs to their end and then
 * removes the queue from the storage.
 *
 * <p>The position is stored at most once per {@link #POSITION_STORE_INTERVAL_MS}: HBase stores it
 * after every batch, and a crash between Kafka's acknowledgement and that write re-ships the batch;
 * the simulator widens that window so every death re-ships entries (duplicates with the same region
 * and sequence id), which downstream must apply once.
 */
final class SimReplicationSource {

  private static final Logger LOG = LoggerFactory.getLogger(SimReplicationSource.class);

  static final int MAX_BATCH = 500;
  static final long SHIP_INTERVAL_MS = 100;
  static final long RETRY_PAUSE_MS = 500;
  static final long POSITION_STORE_INTERVAL_MS = 1000;

  /**
   * A survivor does not start shipping a claimed queue at once (HBase first detects the death, then
   * claims).
   */
  static final long RECOVERY_DELAY_MS = 600;

  private static final long JOIN_TIMEOUT_MS = 120_000;

  /** Told about every batch of edits the sink acknowledged. */
  interface ShipListener {
    void shipped(List<WalEntry> entries);
  }

  private final QueueId queue;
  private final String holder;
  private final boolean recovered;
  private final SimQueueStorage storage;
  private final EditSink sink;
  private final ShipListener listener;
  private final Thread thread;
  private final Object wake = new Object();
  private volatile boolean stopRequested;
  private volatile boolean crashRequested;
  private volatile boolean finished;

  private SimQueueStorage.Position shipped;
  private long newestWriteTime = Long.MIN_VALUE;
  private long lastStoreNanos;
  private boolean stored = true;

  SimReplicationSource(
      QueueId queue,
      String holder,
      boolean recovered,
      SimQueueStorage storage,
      EditSink sink,
      ShipListener listener) {
    this.queue = queue;
    this.holder = holder;
    this.recovered = recovered;
    this.storage = storage;
    this.sink = sink;
    this.listener = listener;
    this.thread =
        new Thread(
            this::run,
            "sim-source-" + (recovered ? "recovered-" : "") + queue.getWalGroup() + "@" + holder);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  QueueId queue() {
    return queue;
  }

  boolean recovered() {
    return recovered;
  }

  /** True once a recovered source shipped everything and removed its queue. */
  boolean finished() {
    return finished;
  }

  /**
   * The server dies: whatever is still unshipped goes out in a last batch that Kafka acknowledges,
   * and the position is not stored, so the claiming server ships it again. Returns once the source
   * has stopped.
   */
  void crash() {
    crashRequested = true;
    wakeUp();
    join();
  }

  /** Ships what its WAL holds now instead of at the end of its pause (a restore point's marker). */
  void shipNow() {
    wakeUp();
  }

  /** Requests a stop without waiting; see {@link #join()}. */
  void requestStop() {
    stopRequested = true;
    wakeUp();
  }

  void join() {
    try {
      thread.join(JOIN_TIMEOUT_MS);
      if (thread.isAlive()) {
        LOG.warn(
            "replication source of {} did not stop within {} ms (a publish is still waiting for Kafka)",
            name(),
            JOIN_TIMEOUT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      if (recovered) {
        pause(RECOVERY_DELAY_MS);
      }
      shipped = startPosition();
      lastStoreNanos = System.nanoTime();
      while (!stopRequested) {
        if (crashRequested) {
          shipRemainingAndDie();
          return;
        }
        Batch batch = read(shipped, MAX_BATCH);
        if (batch.records.isEmpty()) {
          if (recovered && batch.exhausted) {
            storage.recordPosition(queue, shipped.wal, shipped.index);
            storage.removeQueue(queue);
            finished = true;
            LOG.info(
                "recovered queue {} fully shipped by {}: removed from the queue storage",
                name(),
                holder);
            return;
          }
          storeIfDue();
          pause(SHIP_INTERVAL_MS);
          continue;
        }
        if (!ship(batch)) {
          pause(RETRY_PAUSE_MS);
          continue;
        }
        shipped = batch.end;
        stored = false;
        storeIfDue();
        if (batch.records.size() < MAX_BATCH) {
          pause(SHIP_INTERVAL_MS);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("replication source of {} failed: {}", name(), e.toString(), e);
    }
  }

  private SimQueueStorage.Position startPosition() {
    SimQueueStorage.Position p = storage.position(queue);
    List<SimWal> wals = storage.wals(queue);
    if (!wals.isEmpty() && !wals.contains(p.wal)) {
      // The stored position's WAL was fully shipped and dropped: go on with the next listed one.
      return new SimQueueStorage.Position(wals.get(0), 0);
    }
    return p;
  }

  private boolean ship(Batch batch) {
    List<WalEntry> entries = new ArrayList<>();
    long newest = newestWriteTime;
    for (SimWalRecord r : batch.records) {
      if (!r.isMarker()) {
        entries.add(r.entry());
      }
      newest = Math.max(newest, r.writeTime());
    }
    try {
      if (!entries.isEmpty()) {
        sink.publish(entries);
        listener.shipped(entries);
      }
      newestWriteTime = newest;
      sink.publishMarker(
          queue, newestWriteTime, entries.isEmpty() ? MarkerSource.CHORE : MarkerSource.BATCH);
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "shipping {} records of queue {} failed, will retry the batch: {}",
          batch.records.size(),
          name(),
          e.toString());
      return false;
    }
  }

  private void shipRemainingAndDie() {
    Batch batch = read(shipped, Integer.MAX_VALUE);
    List<WalEntry> entries = new ArrayList<>();
    for (SimWalRecord r : batch.records) {
      if (!r.isMarker()) {
        entries.add(r.entry());
      }
    }
    if (!entries.isEmpty()) {
      try {
        sink.publish(entries);
        listener.shipped(entries);
      } catch (RuntimeException e) {
        LOG.warn("last batch of dying queue {} was not acknowledged: {}", name(), e.toString());
      }
    }
    int reShipped = 0;
    for (SimWalRecord r : read(startPosition(), Integer.MAX_VALUE).records) {
      reShipped += r.isMarker() ? 0 : 1;
    }
    LOG.info(
        "server {} died while shipping queue {}: {} acknowledged entries lie after its stored position and will be shipped again",
        holder,
        name(),
        reShipped);
  }

  private void storeIfDue() {
    if (!stored
        && System.nanoTime() - lastStoreNanos
            >= TimeUnit.MILLISECONDS.toNanos(POSITION_STORE_INTERVAL_MS)) {
      storage.recordPosition(queue, shipped.wal, shipped.index);
      stored = true;
      lastStoreNanos = System.nanoTime();
    }
  }

  /**
   * Reads up to {@code max} records after {@code from}, moving to the next listed WAL once one is
   * closed and read to its end.
   */
  private Batch read(SimQueueStorage.Position from, int max) {
    List<SimWal> wals = storage.wals(queue);
    int wi = wals.indexOf(from.wal);
    SimWal wal = from.wal;
    int index = from.index;
    if (wi < 0) {
      if (wals.isEmpty()) {
        return new Batch(List.of(), from, true);
      }
      // Dropped after being fully shipped (the stored position reached its end): continue with the
      // next one.
      wi = 0;
      wal = wals.get(0);
      index = 0;
    }
    List<SimWalRecord> records = new ArrayList<>();
    while (records.size() < max) {
      List<SimWalRecord> got = wal.read(index, max - records.size());
      records.addAll(got);
      index += got.size();
      if (records.size() >= max || !wal.fullyRead(index) || wi + 1 >= wals.size()) {
        break;
      }
      wi++;
      wal = wals.get(wi);
      index = 0;
    }
    boolean exhausted = wi + 1 >= wals.size() && wal.fullyRead(index);
    return new Batch(records, new SimQueueStorage.Position(wal, index), exhausted);
  }

  private void pause(long ms) {
    synchronized (wake) {
      if (stopRequested || crashRequested) {
        return;
      }
      try {
        wake.wait(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopRequested = true;
      }
    }
  }

  private void wakeUp() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private String name() {
    return queue.getServer() + "/" + queue.getWalGroup();
  }

  private static final class Batch {
    final List<SimWalRecord> records;
    final SimQueueStorage.Position end;
    final boolean exhausted;

    Batch(List<SimWalRecord> records, SimQueueStorage.Position end, boolean exhausted) {
      this.records = records;
      this.end = end;
      this.exhausted = exhausted;
    }
  }
}
