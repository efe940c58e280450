package io.rewind.testkit.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.checkpoint.CheckpointEvent;
import io.rewind.checkpoint.CheckpointEvent.Archived;
import io.rewind.checkpoint.CheckpointEvent.Marker;
import io.rewind.checkpoint.CheckpointEvent.Poll;
import io.rewind.checkpoint.CheckpointEvent.Snapshot;
import io.rewind.checkpoint.CheckpointResult;
import io.rewind.checkpoint.CheckpointRules;
import io.rewind.checkpoint.Listing;
import io.rewind.checkpoint.QueueKey;
import io.rewind.checkpoint.QueueView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CheckpointRulesPropertyTest {

  private static final List<QueueKey> POOL =
      List.of(
          new QueueKey("a,1,1", "w"),
          new QueueKey("b,1,1", "w"),
          new QueueKey("c,1,1", "w"),
          new QueueKey("d,1,1", "w"));
  private static final long[] MARGINS = {0, 100, 300};

  /** (a) on any event sequence, true or not, the rules equal the brute-force reference. */
  @Property(tries = 1000)
  void rulesEqualReferenceOnArbitraryEvents(
      @ForAll @Size(max = 150) List<@IntRange(min = 0, max = 1_000_000) Integer> steps) {
    List<CheckpointEvent> events = arbitraryEvents(steps);
    CheckpointRules rules = new CheckpointRules();
    ReferenceCheckpoint reference = new ReferenceCheckpoint();
    Map<String, byte[]> store = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      CheckpointEvent e = events.get(i);
      assertThat(e.applyTo(rules)).as("after event %d: %s", i, e).isEqualTo(reference.add(e));
      apply(store, rules.drainChangedState());
      if (i % 25 == 24) {
        // A restart from the persisted entries changes nothing.
        List<QueueView> before = rules.queues();
        rules = CheckpointRules.importState(store);
        assertThat(rules.queues()).isEqualTo(before);
      }
    }
  }

  /**
   * (a) on the simulated fleet too; (b) C never passes the archived frontier; (c) C never
   * decreases.
   */
  @Property(tries = 1000)
  void publishedCheckpointNeverPassesArchivedFrontierAndNeverDecreases(
      @ForAll @Size(min = 50, max = 600) List<@IntRange(min = 0, max = 1_000_000) Integer> steps,
      @ForAll boolean markers) {
    SimulatedFleet fleet = new SimulatedFleet(markers);
    CheckpointRules rules = new CheckpointRules();
    ReferenceCheckpoint reference = new ReferenceCheckpoint();
    Long previous = null;
    for (int step : steps) {
      CheckpointEvent e = fleet.step(step);
      if (e == null) {
        continue;
      }
      Optional<CheckpointResult> c = e.applyTo(rules);
      assertThat(c).as("after %s", e).isEqualTo(reference.add(e));
      if (c.isEmpty()) {
        assertThat(previous).as("a published checkpoint never disappears").isNull();
        continue;
      }
      long time = c.get().time();
      for (SimulatedFleet.Edit edit : fleet.edits()) {
        if (edit.writeTime <= time) {
          // The fleet's own record of what the app was told is archived, not the rules' view of it.
          boolean archived =
              edit.copies.stream().anyMatch(copy -> fleet.archived((int) copy[0], copy[1]));
          assertThat(archived)
              .as(
                  "edit written at %d is at or before C=%d (%s) but not archived",
                  edit.writeTime, time, c.get())
              .isTrue();
        }
      }
      assertThat(c.get().decreased()).isFalse();
      if (previous != null) {
        assertThat(time).isGreaterThanOrEqualTo(previous);
      }
      previous = time;
    }
  }

  private static List<CheckpointEvent> arbitraryEvents(List<Integer> steps) {
    List<CheckpointEvent> events = new ArrayList<>();
    long clock = 1_000;
    for (int step : steps) {
      Random r = new Random(step);
      switch (step % 4) {
        case 0 -> {
          clock += r.nextInt(450) - 50;
          List<Listing> listings = new ArrayList<>();
          for (QueueKey q : POOL) {
            if (r.nextInt(3) > 0) {
              listings.add(new Listing(q, clock - r.nextInt(900)));
            }
          }
          events.add(new Snapshot(clock, MARGINS[r.nextInt(3)], listings));
        }
        case 1 -> {
          long send = clock + r.nextInt(600) - 300;
          long margin = MARGINS[r.nextInt(3)];
          events.add(
              new Marker(
                  POOL.get(r.nextInt(POOL.size())), send - margin - r.nextInt(300), send, margin));
        }
        case 2 -> {
          long[] end = new long[1 + r.nextInt(3)];
          for (int p = 0; p < end.length; p++) {
            end[p] = r.nextInt(20);
          }
          events.add(new Poll(end));
        }
        default -> {
          long start = r.nextInt(20);
          events.add(new Archived(r.nextInt(3), start, start + r.nextInt(8)));
        }
      }
    }
    return events;
  }

  private static void apply(Map<String, byte[]> store, Map<String, byte[]> changes) {
    changes.forEach(
        (k, v) -> {
          if (v == null) {
            store.remove(k);
          } else {
            store.put(k, v);
          }
        });
  }
}
