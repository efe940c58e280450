package io.rewind.testkit.sim;

import io.rewind.producer.EditSink;
import io.rewind.producer.WalCell;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.QueueId;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N simulated region servers writing a seeded, reproducible workload through the same publishing
 * path as the HBase replication endpoint: the demo's and the benchmarks' source.
 *
 * <p>One writer thread plays the region servers' handlers: it produces edit slots at the target
 * rate (slot i is due {@code i * 1000 / rate} ms after the start), appends each entry to the WAL of
 * the server hosting its region, rolls WALs, appends replication marker entries every {@link
 * #MARKER_CHORE_MS} ms (HBase's marker chore) and kills servers at fixed moments. Each entry's
 * write time is its slot time, less a small out-of-order jitter within the margin (taken before the
 * append), so the content is a function of the seed. One {@link SimReplicationSource} per queue
 * ships through the {@link EditSink}; a snapshot task publishes the queue storage every {@link
 * #SNAPSHOT_INTERVAL_MS} ms. After the workload the marker chore and snapshots go on (heartbeats)
 * until {@link #close()}, so a checkpoint can catch up to the end.
 *
 * <p>A death: the server stops taking writes, its sources ship a last batch without storing their
 * position (so the claimer ships those entries again), a survivor claims its queues and ships them
 * through recovered sources until they are empty and removed, and its regions open on survivors
 * with higher sequence ids.
 */
public final class FleetSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FleetSimulator.class);

  static final long SNAPSHOT_INTERVAL_MS = 300;
  static final long MARKER_CHORE_MS = 500;
  private static final int MAX_ROWS_PER_ENTRY = 3;
  private static final long WRITER_IDLE_MS = 10;
  private static final long JOIN_TIMEOUT_MS = 30_000;

  private final SimulatorSettings settings;
  private final EditSink sink;
  private final Clock clock;
  private final List<SimTable> tables = new ArrayList<>();
  private final ExpectedState expected;
  private final Workload workload;
  private final Random fleetEvents;
  private final SimQueueStorage storage = new SimQueueStorage();
  private final List<SimServer> servers = new ArrayList<>();

  /**
   * Sequence ids acknowledged per region (small: regions start below 1,000 and bump by 1,000 per
   * move).
   */
  private final ConcurrentHashMap<String, BitSet> acknowledged = new ConcurrentHashMap<>();

  private final AtomicLong entriesAcknowledged = new AtomicLong();
  private final AtomicLong editsWritten = new AtomicLong();
  private final AtomicLong editsPublished = new AtomicLong();
  private final AtomicLong entriesWritten = new AtomicLong();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean workloadWritten;
  private volatile long startTime;

  /**
   * The earliest roll or marker offset of any live WAL group (writer thread only): chores before it
   * are no-ops.
   */
  private long nextChoreOffset;

  /**
   * Write times at which every live queue gets a marker entry on demand (restore points), soonest
   * first.
   */
  private final ConcurrentSkipListSet<Long> pointMarkers = new ConcurrentSkipListSet<>();

  private Thread writer;
  private ScheduledExecutorService snapshots;

  public FleetSimulator(SimulatorSettings settings, EditSink sink, Clock clock) {
    if (settings.marginMs() > sink.marginMs()) {
      throw new IllegalArgumentException(
          "the simulator's out-of-order window (marginMs="
              + settings.marginMs()
              + ") exceeds the publisher's checkpoint margin ("
              + sink.marginMs()
              + " ms): claims would be broken; lower marginMs or raise checkpoint.margin.ms");
    }
    this.settings = settings;
    this.sink = sink;
    this.clock = clock;
    Random layout = new Random(settings.seed() ^ 0x5DEECE66DL);
    long total = settings.totalEdits();
    int regionsPerTable =
        Math.max(2, (2 * settings.servers() + settings.tables() - 1) / settings.tables());
    int rowsPerTable =
        (int)
            Math.max(
                regionsPerTable * 4L,
                Math.min(2000, Math.max(50, total / (settings.tables() * 10L))));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < settings.tables(); i++) {
      SimTable t = SimTable.create(i, rowsPerTable, regionsPerTable, layout);
      tables.add(t);
      names.add(t.name());
    }
    this.expected = new ExpectedState(names);
    this.workload = new Workload(settings.seed(), tables, settings.marginMs(), settings.values());
    this.fleetEvents = new Random(settings.seed() * 31 + 7);
  }

  /**
   * Publishes the table descriptors, then starts the servers, their shippers and the snapshot task.
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "the simulator was already started; create a new one to run again");
    }
    long start = clock.millis();
    startTime = start;
    int groupCount = settings.servers() * settings.walGroups();
    long rollMs = settings.walRollInterval().toMillis();
    int k = 0;
    for (int i = 0; i < settings.servers(); i++) {
      // Start codes are the servers' start times, a little before the fleet's start.
      SimServer server =
          new SimServer(i, start - 1000L * (settings.servers() - i), settings.walGroups());
      for (SimServer.WalGroup g : server.groups()) {
        g.current = new SimWal(g.walGroupId, start);
        storage.addQueue(g.queue, server.name(), g.current);
        // Staggered so that the fleet does not roll (or write markers) all at once.
        g.nextRollOffset = rollMs / 2 + rollMs * k / groupCount;
        g.nextMarkerOffset = MARKER_CHORE_MS * (k + 1) / groupCount;
        k++;
      }
      servers.add(server);
    }
    int r = 0;
    for (SimTable t : tables) {
      for (SimRegion region : t.regions()) {
        region.openOn(servers.get(r++ % servers.size()));
      }
    }
    for (SimTable t : tables) {
      sink.publishTable(t.descriptor(start));
    }
    for (SimServer server : servers) {
      for (SimServer.WalGroup g : server.groups()) {
        startSource(g.queue, server, false);
      }
    }
    LOG.info(
        "fleet simulator started: {} ({} edits, tables {})",
        settings,
        settings.totalEdits(),
        expected.tables());
    writer = new Thread(this::runWriter, "sim-writer");
    writer.setDaemon(true);
    writer.start();
    snapshots =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "sim-snapshots");
              t.setDaemon(true);
              return t;
            });
    snapshots.scheduleWithFixedDelay(
        this::publishSnapshot, 0, SNAPSHOT_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  /** Waits until every edit of the workload has been written and acknowledged; false on timeout. */
  public boolean awaitWorkloadDone(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!workloadDone()) {
      if (System.nanoTime() - deadline >= 0 || closed.get()) {
        return workloadDone();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Every edit the workload wrote, and the state of each table at any time. */
  public ExpectedState expected() {
    if (!settings.keepExpected()) {
      throw new IllegalStateException(
          "this simulator was created with keepExpected(false) and kept no expected state;"
              + " create it with SimulatorSettings.keepExpected(true) to check restores against it");
    }
    return expected;
  }

  /** Edits (one per entry and row) the sink acknowledged, re-shipped duplicates included. */
  public long editsPublished() {
    return editsPublished.get();
  }

  /** The clock reading at {@link #start()}: write times and WAL names count from it. */
  public long startTime() {
    return startTime;
  }

  /**
   * Stops the writer, heartbeats and shippers; the sink stays open (it belongs to the caller).
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (writer != null) {
      try {
        writer.join(JOIN_TIMEOUT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (snapshots != null) {
      snapshots.shutdown();
      try {
        snapshots.awaitTermination(JOIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<SimReplicationSource> all = new ArrayList<>();
    for (SimServer s : servers) {
      all.addAll(s.sources());
    }
    all.forEach(SimReplicationSource::requestStop);
    all.forEach(SimReplicationSource::join);
    LOG.info(
        "fleet simulator closed: {} edits written, {} published",
        editsWritten.get(),
        editsPublished.get());
  }

  private boolean workloadDone() {
    return workloadWritten && entriesAcknowledged.get() >= entriesWritten.get();
  }

  private void runWriter() {
    try {
      long total = settings.totalEdits();
      long[] deathSlots = new long[settings.deaths()];
      for (int j = 0; j < deathSlots.length; j++) {
        deathSlots[j] = total * (j + 1) / (deathSlots.length + 1);
      }
      int nextDeath = 0;
      long slot = 0;
      while (!closed.get()) {
        long now = clock.millis() - startTime;
        while (slot < total && offsetOf(slot) <= now && !closed.get()) {
          long offset = offsetOf(slot);
          chores(offset);
          if (nextDeath < deathSlots.length && slot >= deathSlots[nextDeath]) {
            kill(offset);
            nextDeath++;
          }
          slot += append(offset, (int) Math.min(MAX_ROWS_PER_ENTRY, total - slot));
        }
        if (slot >= total && !workloadWritten) {
          workloadWritten = true;
          LOG.info(
              "workload written: {} edits in {} entries", editsWritten.get(), entriesWritten.get());
        }
        // The virtual now: no later edit can be older than it minus the jitter.
        long virtualNow = slot < total ? Math.min(now, offsetOf(slot)) : now;
        chores(virtualNow);
        long idle =
            slot < total
                ? Math.max(2, Math.min(WRITER_IDLE_MS, offsetOf(slot) - now))
                : WRITER_IDLE_MS;
        Thread.sleep(idle);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("fleet simulator writer failed: {}", e.toString(), e);
    }
  }

  private long offsetOf(long slot) {
    return slot * 1000 / settings.editsPerSecond();
  }

  /** Appends one entry; returns the edit slots (rows) it used. */
  private int append(long offset, int maxRows) {
    long writeTime = startTime + offset - workload.nextJitter();
    Workload.Planned planned = workload.next(writeTime, maxRows);
    SimRegion region = planned.region;
    SimServer.WalGroup group = region.host().groupFor(region);
    WalEntry entry =
        new WalEntry(
            region.table().name(),
            region.encodedName(),
            writeTime,
            region.nextSequenceId(),
            group.queue,
            planned.cells);
    if (settings.keepExpected()) {
      expected.record(entry);
    }
    editsWritten.addAndGet(planned.rows);
    entriesWritten.incrementAndGet();
    group.current.append(SimWalRecord.edit(entry));
    return planned.rows;
  }

  /**
   * WAL rolls and marker entries due at the virtual offset, for every live server. Called for every
   * entry: it scans the fleet only when something is due (a scan per entry cost a third of the
   * writer's CPU at 50,000 edits/s from 100 servers).
   */
  private void chores(long offset) {
    Long due = pointMarkers.isEmpty() ? null : pointMarkers.first();
    if (due != null && startTime + offset >= due) {
      pointMarkers.headSet(startTime + offset, true).clear();
      markEveryQueue(offset);
    }
    if (offset < nextChoreOffset) {
      return;
    }
    long rollMs = settings.walRollInterval().toMillis();
    long earliest = Long.MAX_VALUE;
    for (SimServer server : servers) {
      if (!server.alive()) {
        continue;
      }
      for (SimServer.WalGroup g : server.groups()) {
        if (offset >= g.nextRollOffset) {
          SimWal next = new SimWal(g.walGroupId, startTime + offset);
          // Listed before the first append, as HBase does.
          storage.listWal(g.queue, next);
          SimWal previous = g.current;
          g.current = next;
          previous.close();
          while (g.nextRollOffset <= offset) {
            g.nextRollOffset += rollMs;
          }
        }
        if (offset >= g.nextMarkerOffset) {
          g.current.append(SimWalRecord.marker(startTime + offset));
          while (g.nextMarkerOffset <= offset) {
            g.nextMarkerOffset += MARKER_CHORE_MS;
          }
        }
        earliest = Math.min(earliest, Math.min(g.nextRollOffset, g.nextMarkerOffset));
      }
    }
    nextChoreOffset = earliest;
  }

  /**
   * Answers a restore point at T the way HBase's marker chore would if it ran on request: once the
   * fleet's clock passes T plus the margin, every live queue gets a marker entry, which its source
   * ships at once and claims (bound = marker time - margin > T); a cluster snapshot read then
   * follows. Nothing waits for the requester.
   */
  public void answerPoint(long pointTime) {
    long at = pointTime + sink.marginMs() + 1;
    pointMarkers.add(at);
    ScheduledExecutorService s = snapshots;
    if (s != null && !s.isShutdown()) {
      try {
        s.schedule(this::publishSnapshot, Math.max(0, at - clock.millis()), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        LOG.debug("no snapshot for the point at {}: the simulator is closing", pointTime);
      }
    }
  }

  /**
   * A marker entry in every live queue's current WAL at the virtual offset, and its source woken to
   * ship it.
   */
  private void markEveryQueue(long offset) {
    for (SimServer server : servers) {
      if (!server.alive()) {
        continue;
      }
      for (SimServer.WalGroup g : server.groups()) {
        g.current.append(SimWalRecord.marker(startTime + offset));
      }
      server.sources().forEach(SimReplicationSource::shipNow);
    }
  }

  private void kill(long offset) {
    List<SimServer> alive = new ArrayList<>();
    for (SimServer s : servers) {
      if (s.alive()) {
        alive.add(s);
      }
    }
    if (alive.size() < 2) {
      return;
    }
    SimServer victim = alive.remove(fleetEvents.nextInt(alive.size()));
    victim.die();
    for (SimServer.WalGroup g : victim.groups()) {
      g.current.close();
    }
    for (SimReplicationSource source : victim.sources()) {
      source.crash();
    }
    SimServer claimer = alive.get(fleetEvents.nextInt(alive.size()));
    List<QueueId> claimed = storage.claimAll(victim.name(), claimer.name());
    for (QueueId q : claimed) {
      startSource(q, claimer, true);
    }
    int moved = 0;
    for (SimTable t : tables) {
      for (SimRegion region : t.regions()) {
        if (region.host() == victim) {
          region.openOn(alive.get(fleetEvents.nextInt(alive.size())));
          moved++;
        }
      }
    }
    LOG.info(
        "server {} died at +{} ms: {} queues claimed by {}, {} regions moved",
        victim.name(),
        offset,
        claimed.size(),
        claimer.name(),
        moved);
  }

  private void startSource(QueueId queue, SimServer holder, boolean recovered) {
    SimReplicationSource source =
        new SimReplicationSource(queue, holder.name(), recovered, storage, sink, this::shipped);
    holder.sources().add(source);
    source.start();
  }

  private void shipped(List<WalEntry> entries) {
    long rows = 0;
    for (WalEntry e : entries) {
      BitSet seen = acknowledged.computeIfAbsent(e.encodedRegion(), r -> new BitSet());
      synchronized (seen) {
        int seq = Math.toIntExact(e.sequenceId());
        if (!seen.get(seq)) {
          seen.set(seq);
          entriesAcknowledged.incrementAndGet();
        }
      }
      rows += rowCount(e);
    }
    editsPublished.addAndGet(rows);
  }

  /**
   * Distinct rows of the entry: cells whose row no earlier cell has (a few cells: cheaper than a
   * set).
   */
  private static int rowCount(WalEntry e) {
    List<WalCell> cells = e.cells();
    int rows = 0;
    for (int i = 0; i < cells.size(); i++) {
      boolean first = true;
      for (int j = 0; j < i && first; j++) {
        first = !Arrays.equals(cells.get(j).row(), cells.get(i).row());
      }
      if (first) {
        rows++;
      }
    }
    return rows;
  }

  private void publishSnapshot() {
    try {
      // Read time before the read: a queue missing from the cut was created after it.
      long readTime = clock.millis();
      sink.publishSnapshot(readTime, storage.read());
    } catch (RuntimeException e) {
      LOG.warn("cluster snapshot not published: {}", e.toString());
    }
  }
}
