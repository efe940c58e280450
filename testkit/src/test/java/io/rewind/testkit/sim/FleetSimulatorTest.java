package io.rewind.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.rewind.producer.WalCell;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetSimulatorTest {

  private static final long MARGIN = 500;
  private static final SimulatorSettings SETTINGS =
      SimulatorSettings.defaults()
          .servers(4)
          .editsPerSecond(1500)
          .duration(Duration.ofMillis(2500))
          .deaths(2)
          .seed(7)
          .walRollInterval(Duration.ofMillis(300));

  private CapturingSink sink;
  private FleetSimulator sim;
  private int workloadDoneAt;

  /** One run shared by the behaviour tests: it takes a few seconds. */
  @BeforeAll
  void runFleet() throws Exception {
    sink = new CapturingSink(MARGIN);
    sim = new FleetSimulator(SETTINGS, sink, Clock.systemUTC());
    try {
      sim.start();
      assertThat(sim.awaitWorkloadDone(Duration.ofSeconds(60)))
          .as("workload written and acknowledged")
          .isTrue();
      workloadDoneAt = sink.events().size();
      // Heartbeats after the workload: markers and snapshots keep coming.
      Thread.sleep(1500);
    } finally {
      sim.close();
    }
  }

  @Test
  void everyWrittenEditIsPublishedAndTheStateMatches() {
    Map<String, WalEntry> distinct = distinct(sink.entries());
    ExpectedState fromPublished = new ExpectedState();
    distinct.values().forEach(fromPublished::record);

    ExpectedState expected = sim.expected();
    assertThat(expected.editCount()).isEqualTo(SETTINGS.totalEdits());
    assertThat(fromPublished.editCount()).isEqualTo(expected.editCount());
    assertThat(expected.tables()).hasSizeGreaterThanOrEqualTo(3);
    long mid = (expected.firstWriteTime() + expected.lastWriteTime()) / 2;
    for (String table : expected.tables()) {
      assertThat(fromPublished.cellsAt(table, mid)).isEqualTo(expected.cellsAt(table, mid));
      assertThat(fromPublished.cellsAt(table, expected.lastWriteTime()))
          .isEqualTo(expected.cellsAt(table, expected.lastWriteTime()));
    }
    assertThat(sim.editsPublished()).isGreaterThan(expected.editCount());
  }

  @Test
  void tablesHaveDifferentFamiliesAndArePublishedFirst() {
    List<CapturingSink.Event> events = sink.events();
    Set<String> families = new HashSet<>();
    for (int i = 0; i < SETTINGS.tables(); i++) {
      assertThat(events.get(i).table).as("event %d is a table descriptor", i).isNotNull();
      families.add(events.get(i).table.getFamilies().toString());
    }
    assertThat(families).hasSize(SETTINGS.tables());
  }

  @Test
  void workloadHasEveryCellTypeExplicitTimestampsAndTies() {
    Set<String> types = new HashSet<>();
    int explicitOlder = 0;
    int explicitNewer = 0;
    int putDeleteSameTimestamp = 0;
    for (WalEntry e : distinct(sink.entries()).values()) {
      Map<String, Set<String>> byCellAndTs = new HashMap<>();
      for (WalCell c : e.cells()) {
        types.add(c.type().name());
        if (c.type().name().equals("PUT") && c.timestamp() < e.writeTime()) {
          explicitOlder++;
        }
        if (c.type().name().equals("PUT") && c.timestamp() > e.writeTime()) {
          explicitNewer++;
        }
        byCellAndTs
            .computeIfAbsent(
                new String(c.row())
                    + new String(c.family())
                    + new String(c.qualifier())
                    + c.timestamp(),
                k -> new HashSet<>())
            .add(c.type().name());
      }
      for (Set<String> t : byCellAndTs.values()) {
        if (t.contains("PUT") && t.size() > 1) {
          putDeleteSameTimestamp++;
        }
      }
    }
    assertThat(types)
        .containsExactlyInAnyOrder(
            "PUT", "DELETE", "DELETE_COLUMN", "DELETE_FAMILY", "DELETE_FAMILY_VERSION");
    assertThat(explicitOlder).isPositive();
    assertThat(explicitNewer).isPositive();
    assertThat(putDeleteSameTimestamp).isPositive();
  }

  @Test
  void deathsReShipEntriesWithTheSameRegionAndSequenceIdUnderTheDeadServersQueue() {
    Set<String> deadServers = new HashSet<>();
    Set<String> lastListed = new HashSet<>();
    for (CapturingSink.Event e : sink.events()) {
      if (e.snapshot != null) {
        lastListed.clear();
        for (QueueListing l : e.snapshot.getQueues()) {
          deadServers.add(l.getQueue().getServer());
          lastListed.add(l.getQueue().getServer());
        }
      }
    }
    deadServers.removeAll(lastListed);
    assertThat(deadServers).as("servers whose queues are gone").hasSize(SETTINGS.deaths());

    Map<String, WalEntry> seen = new HashMap<>();
    int duplicates = 0;
    for (WalEntry e : sink.entries()) {
      WalEntry first = seen.putIfAbsent(id(e), e);
      if (first != null) {
        duplicates++;
        assertThat(e).as("a re-shipped entry is the same entry").isEqualTo(first);
        assertThat(deadServers).contains(e.queue().getServer());
      }
    }
    assertThat(duplicates).as("entries shipped twice after the deaths").isPositive();
  }

  @Test
  void claimedQueuesAreRemovedOnceShipped() {
    Set<QueueId> claimed = new HashSet<>();
    Set<QueueId> lastListed = new HashSet<>();
    for (CapturingSink.Event e : sink.events()) {
      if (e.snapshot != null) {
        lastListed.clear();
        for (QueueListing l : e.snapshot.getQueues()) {
          lastListed.add(l.getQueue());
          if (!l.getHolder().equals(l.getQueue().getServer())) {
            claimed.add(l.getQueue());
          }
        }
      }
    }
    assertThat(claimed).isNotEmpty();
    assertThat(lastListed).doesNotContainAnyElementsOf(claimed);
    assertThat(lastListed).hasSize((SETTINGS.servers() - SETTINGS.deaths()) * SETTINGS.walGroups());
  }

  @Test
  void walsRollAndNameTheirCreationTime() {
    Map<QueueId, Set<Long>> starts = new HashMap<>();
    int maxWals = 0;
    for (CapturingSink.Event e : sink.events()) {
      if (e.snapshot != null) {
        for (QueueListing l : e.snapshot.getQueues()) {
          starts.computeIfAbsent(l.getQueue(), k -> new HashSet<>()).add(l.getOldestWalStart());
          maxWals = Math.max(maxWals, l.getWalCount());
        }
      }
    }
    long runMs = SETTINGS.duration().toMillis();
    for (Set<Long> s : starts.values()) {
      assertThat(s)
          .allSatisfy(
              t -> assertThat(t).isBetween(sim.startTime(), sim.startTime() + runMs + 5000));
    }
    assertThat(starts.values().stream().mapToInt(Set::size).max().orElse(0))
        .as("oldest WAL start advances")
        .isGreaterThanOrEqualTo(3);
    assertThat(maxWals).as("a queue listed more than its current WAL").isGreaterThan(1);
  }

  @Test
  void appendsRunOutOfWriteTimeOrderOnlyWithinTheMargin() {
    Map<QueueId, Long> newest = new HashMap<>();
    int outOfOrder = 0;
    Set<String> seen = new HashSet<>();
    for (WalEntry e : sink.entries()) {
      if (!seen.add(id(e))) {
        continue;
      }
      Long n = newest.get(e.queue());
      if (n != null && e.writeTime() < n) {
        outOfOrder++;
        assertThat(n - e.writeTime()).as("reordering of %s", e).isLessThan(MARGIN);
      }
      newest.merge(e.queue(), e.writeTime(), Math::max);
    }
    assertThat(outOfOrder).isPositive();
  }

  @Test
  void sequenceIdsOfARegionKeepRisingAcrossMoves() {
    Map<String, TreeMap<Long, QueueId>> byRegion = new HashMap<>();
    for (WalEntry e : sink.entries()) {
      byRegion
          .computeIfAbsent(e.encodedRegion(), k -> new TreeMap<>())
          .put(e.sequenceId(), e.queue());
    }
    int moved = 0;
    for (Map.Entry<String, TreeMap<Long, QueueId>> r : byRegion.entrySet()) {
      List<QueueId> hosts = new ArrayList<>();
      for (QueueId q : r.getValue().values()) {
        if (hosts.isEmpty() || !hosts.get(hosts.size() - 1).equals(q)) {
          hosts.add(q);
        }
      }
      assertThat(new HashSet<>(hosts))
          .as("region %s never returns to an earlier host", r.getKey())
          .hasSameSizeAs(hosts);
      if (hosts.size() > 1) {
        moved++;
      }
    }
    assertThat(moved).as("regions moved by the deaths").isPositive();
  }

  /**
   * The invariant the checkpoint relies on: when a claim is published, every edit of its queue
   * older than its bound has been acknowledged before it, and a queue absent from a snapshot that
   * listed it before has had all of its edits acknowledged.
   */
  @Test
  void everyClaimIsTrueWhenPublished() {
    List<CapturingSink.Event> events = sink.events();
    Map<String, Integer> firstPublished = new HashMap<>();
    Map<QueueId, List<WalEntry>> byQueue = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).batch != null) {
        for (WalEntry e : events.get(i).batch) {
          if (firstPublished.putIfAbsent(id(e), i) == null) {
            byQueue.computeIfAbsent(e.queue(), k -> new ArrayList<>()).add(e);
          }
        }
      }
    }
    int markers = 0;
    int snapshots = 0;
    Set<QueueId> previouslyListed = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      CapturingSink.Event ev = events.get(i);
      if (ev.marker != null) {
        markers++;
        assertThat(ev.marker.getBound()).isEqualTo(ev.marker.getNewestWriteTime() - MARGIN);
        requirePublishedBefore(
            i, ev.marker.getQueue(), ev.marker.getBound(), byQueue, firstPublished, "marker");
      }
      if (ev.snapshot != null) {
        snapshots++;
        Set<QueueId> listed = new HashSet<>();
        for (QueueListing l : ev.snapshot.getQueues()) {
          listed.add(l.getQueue());
          requirePublishedBefore(
              i, l.getQueue(), l.getBound(), byQueue, firstPublished, "snapshot listing");
        }
        for (QueueId gone : previouslyListed) {
          if (!listed.contains(gone)) {
            requirePublishedBefore(
                i, gone, Long.MAX_VALUE, byQueue, firstPublished, "snapshot removal");
          }
        }
        previouslyListed = listed;
      }
    }
    assertThat(markers).isGreaterThan(50);
    assertThat(snapshots).isGreaterThan(5);
  }

  @Test
  void heartbeatsGoOnAfterTheWorkload() {
    List<CapturingSink.Event> events = sink.events();
    Set<String> publishedBefore = new HashSet<>();
    for (CapturingSink.Event e : events.subList(0, workloadDoneAt)) {
      if (e.batch != null) {
        e.batch.forEach(entry -> publishedBefore.add(id(entry)));
      }
    }
    long lastWrite = sim.expected().lastWriteTime();
    Map<QueueId, Long> newestChore = new LinkedHashMap<>();
    int snapshots = 0;
    for (CapturingSink.Event e : events.subList(workloadDoneAt, events.size())) {
      if (e.batch != null) {
        // Only a recovered queue still finishing its re-shipment may publish entries now: no new
        // edit.
        assertThat(e.batch).allSatisfy(entry -> assertThat(publishedBefore).contains(id(entry)));
      }
      if (e.marker != null && e.marker.getSource() == MarkerSource.CHORE) {
        newestChore.merge(e.marker.getQueue(), e.marker.getNewestWriteTime(), Math::max);
      }
      if (e.snapshot != null) {
        snapshots++;
      }
    }
    assertThat(snapshots).isGreaterThanOrEqualTo(3);
    assertThat(newestChore)
        .hasSize((SETTINGS.servers() - SETTINGS.deaths()) * SETTINGS.walGroups());
    assertThat(newestChore.values())
        .allSatisfy(t -> assertThat(t - MARGIN).isGreaterThan(lastWrite));
  }

  @Test
  void sameSeedGivesTheSameEditsAndAnotherSeedDoesNot() throws Exception {
    SimulatorSettings small =
        SETTINGS
            .duration(Duration.ofMillis(800))
            .editsPerSecond(1000)
            .walRollInterval(Duration.ofMillis(200));
    Map<String, String> first = normalizedRun(small);
    Map<String, String> second = normalizedRun(small);
    Map<String, String> other = normalizedRun(small.seed(8));

    assertThat(first).hasSize(second.size());
    assertThat(first).isEqualTo(second);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void withoutTheExpectedStateTheWorkloadStillCompletesWithEveryEditCounted() throws Exception {
    SimulatorSettings small =
        SETTINGS
            .duration(Duration.ofMillis(800))
            .editsPerSecond(1000)
            .walRollInterval(Duration.ofMillis(200));
    CapturingSink capture = new CapturingSink(MARGIN);
    try (FleetSimulator s =
        new FleetSimulator(small.keepExpected(false), capture, Clock.systemUTC())) {
      s.start();
      assertThat(s.awaitWorkloadDone(Duration.ofSeconds(60))).as("workload done").isTrue();
      // Re-shipments after the deaths count again, so at least every written edit.
      assertThat(s.editsPublished()).isGreaterThanOrEqualTo(small.totalEdits());
      assertThatThrownBy(s::expected)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("keepExpected(true)");
    }
  }

  private static Map<String, String> normalizedRun(SimulatorSettings settings)
      throws InterruptedException {
    CapturingSink capture = new CapturingSink(MARGIN);
    try (FleetSimulator s = new FleetSimulator(settings, capture, Clock.systemUTC())) {
      s.start();
      if (!s.awaitWorkloadDone(Duration.ofSeconds(60))) {
        fail("workload not done within 60 s");
      }
      Map<String, String> normalized = new TreeMap<>();
      for (WalEntry e : capture.entries()) {
        normalized.put(id(e), normalize(e, s.startTime()));
      }
      assertThat(normalized).hasSizeGreaterThan(100);
      return normalized;
    }
  }

  /**
   * The entry with times relative to the start and server start codes dropped: what the seed
   * decides.
   */
  private static String normalize(WalEntry e, long start) {
    StringBuilder sb = new StringBuilder();
    String server = e.queue().getServer();
    sb.append(e.table())
        .append('|')
        .append(e.encodedRegion())
        .append('|')
        .append(e.sequenceId())
        .append('|')
        .append(e.writeTime() - start)
        .append('|')
        .append(server, 0, server.lastIndexOf(','));
    for (WalCell c : e.cells()) {
      sb.append('|')
          .append(new String(c.row()))
          .append('/')
          .append(new String(c.family()))
          .append(':')
          .append(new String(c.qualifier()))
          .append('/')
          .append(c.timestamp() - start)
          .append('/')
          .append(c.type())
          .append('/')
          .append(Base64.getEncoder().encodeToString(c.value()));
    }
    return sb.toString();
  }

  private static void requirePublishedBefore(
      int index,
      QueueId queue,
      long bound,
      Map<QueueId, List<WalEntry>> byQueue,
      Map<String, Integer> firstPublished,
      String what) {
    for (WalEntry e : byQueue.getOrDefault(queue, List.of())) {
      if (e.writeTime() < bound && firstPublished.get(id(e)) > index) {
        fail(
            what
                + " #"
                + index
                + " of "
                + queue
                + " claims bound "
                + bound
                + " but entry "
                + e
                + " was first published at #"
                + firstPublished.get(id(e)));
      }
    }
  }

  private static Map<String, WalEntry> distinct(List<WalEntry> entries) {
    Map<String, WalEntry> m = new LinkedHashMap<>();
    for (WalEntry e : entries) {
      m.putIfAbsent(id(e), e);
    }
    return m;
  }

  private static String id(WalEntry e) {
    return e.encodedRegion() + "#" + e.sequenceId();
  }
}
