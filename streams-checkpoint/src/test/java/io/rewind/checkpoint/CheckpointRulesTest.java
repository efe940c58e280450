package io.rewind.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CheckpointRulesTest {

  private static final long MARGIN = 500;
  private static final QueueKey RS1 = new QueueKey("rs1,16020,1", "rs1%2C16020%2C1");
  private static final QueueKey RS2 = new QueueKey("rs2,16020,1", "rs2%2C16020%2C1");
  private static final QueueKey RS3 = new QueueKey("rs3,16020,1", "rs3%2C16020%2C1");

  private final CheckpointRules rules = new CheckpointRules();

  private static Listing listed(QueueKey q, long oldestWalStart) {
    return new Listing(q, oldestWalStart - MARGIN);
  }

  private Optional<CheckpointResult> snapshot(long readTime, Listing... listings) {
    return rules.onSnapshot(readTime, MARGIN, List.of(listings));
  }

  private Optional<CheckpointResult> marker(QueueKey q, long newestWriteTime) {
    return rules.onMarker(q, newestWriteTime - MARGIN, newestWriteTime + 1, MARGIN);
  }

  private Optional<CheckpointResult> poll(long... endOffsets) {
    return rules.onEndOffsets(endOffsets);
  }

  private static long time(Optional<CheckpointResult> c) {
    assertThat(c).as("a published checkpoint").isPresent();
    return c.get().time();
  }

  @Test
  void longLivedWalOlderThanNewerMarkerGivesMarker() {
    snapshot(2_000, listed(RS1, 1_000));
    poll(0);
    marker(RS1, 6_000);
    snapshot(7_000, listed(RS1, 1_000));
    CheckpointResult c = poll(0).orElseThrow();

    assertThat(c.time()).isEqualTo(6_000 - MARGIN - 1);
    assertThat(c.heldBy()).isEqualTo(RS1);
    assertThat(c.rule()).isEqualTo(CheckpointRules.RULE_EFFECTIVE_CLAIM);
  }

  @Test
  void removedQueueStaleMarkerDoesNotHoldBackSuccessorOnceRemovalEffective() {
    snapshot(5_000, listed(RS1, 4_000), listed(RS2, 4_500));
    poll(0);
    marker(RS1, 10_000);
    marker(RS2, 20_000);
    snapshot(25_000, listed(RS1, 9_800), listed(RS2, 15_000));
    rules.onArchived(0, 0, 3);
    CheckpointResult both = poll(3).orElseThrow();
    assertThat(both.time()).isEqualTo(10_000 - MARGIN - 1);
    assertThat(both.heldBy()).isEqualTo(RS1);

    // rs1 is gone from the storage: its removal waits for the edits it shipped to be archived.
    CheckpointResult held = snapshot(30_000, listed(RS2, 15_000)).orElseThrow();
    assertThat(held.time()).isEqualTo(10_000 - MARGIN - 1);
    assertThat(held.heldBy()).isEqualTo(RS1);
    assertThat(rules.queue(RS1).orElseThrow().removalPending()).isTrue();
    poll(5);
    assertThat(time(rules.current())).isEqualTo(10_000 - MARGIN - 1);

    CheckpointResult released = rules.onArchived(0, 3, 5).orElseThrow();
    assertThat(released.time()).isEqualTo(20_000 - MARGIN - 1);
    assertThat(released.heldBy()).isEqualTo(RS2);
    assertThat(released.queueCount()).isEqualTo(1);

    // A stale marker of rs1 arriving late must not bring it back.
    marker(RS1, 12_000);
    poll(5);
    assertThat(rules.queue(RS1)).isEmpty();
    assertThat(time(rules.current())).isEqualTo(20_000 - MARGIN - 1);
  }

  @Test
  void markersDisabledGivesWalOnlyAnswer() {
    snapshot(1_000, listed(RS1, 800));
    poll(0);
    snapshot(2_000, listed(RS1, 1_500));
    rules.onEndOffsets(new long[] {4});
    assertThat(time(rules.current())).as("the first listing only").isEqualTo(800 - MARGIN - 1);

    CheckpointResult c = rules.onArchived(0, 0, 4).orElseThrow();
    assertThat(c.time()).isEqualTo(1_500 - MARGIN - 1);
    assertThat(c.heldBy()).isEqualTo(RS1);
    assertThat(c.rule()).isEqualTo(CheckpointRules.RULE_EFFECTIVE_CLAIM);
  }

  @Test
  void claimCountsOnlyOnceEveryPartitionFrontierReachesEndOffsetsObservedAfterIt() {
    snapshot(1_000, listed(RS1, 900));
    poll(0, 0, 0);
    snapshot(9_000, listed(RS1, 900));
    poll(0, 0, 0);
    long before = time(rules.current());
    assertThat(before).isEqualTo(900 - MARGIN - 1);

    marker(RS1, 5_000);
    assertThat(time(rules.current())).as("no poll after the claim yet").isEqualTo(before);
    rules.onArchived(0, 0, 10);
    rules.onArchived(1, 0, 5);
    assertThat(time(rules.current()))
        .as("archive progress before the poll does not count")
        .isEqualTo(before);

    poll(10, 7, 0);
    assertThat(time(rules.current())).as("partition 1 not archived to 7").isEqualTo(before);
    rules.onArchived(1, 6, 7);
    assertThat(time(rules.current())).as("gap at 5-6").isEqualTo(before);
    assertThat(rules.frontier(1)).isEqualTo(5);
    rules.onArchived(1, 5, 6);
    assertThat(rules.frontier(1)).isEqualTo(7);
    assertThat(time(rules.current())).isEqualTo(5_000 - MARGIN - 1);

    // A claim received after a poll belongs to the next poll.
    marker(RS1, 6_000);
    poll(12, 7, 0);
    rules.onArchived(0, 10, 11);
    assertThat(time(rules.current())).isEqualTo(5_000 - MARGIN - 1);
    rules.onArchived(0, 11, 12);
    assertThat(time(rules.current())).isEqualTo(6_000 - MARGIN - 1);
  }

  @Test
  void claimedDeadServerQueueHoldsCheckpointUntilShippedAndArchived() {
    snapshot(1_000, listed(RS1, 900), listed(RS2, 950));
    poll(0);
    marker(RS2, 9_200);
    poll(0);
    // rs1 died; rs2 claimed its queue, which keeps its identity and its oldest WAL.
    snapshot(10_000, listed(RS1, 900), listed(RS2, 9_000));
    poll(0);
    assertThat(rules.current().orElseThrow().heldBy()).isEqualTo(RS1);
    assertThat(time(rules.current())).isEqualTo(900 - MARGIN - 1);

    // The survivor ships the old WAL (markers from its recovered source) ...
    marker(RS1, 1_200);
    poll(30);
    assertThat(time(rules.current())).isEqualTo(900 - MARGIN - 1);
    rules.onArchived(0, 0, 30);
    assertThat(time(rules.current())).isEqualTo(1_200 - MARGIN - 1);

    // ... and once shipped the queue leaves the storage; it stops holding C only once archived.
    snapshot(11_000, listed(RS2, 9_000));
    poll(40);
    assertThat(time(rules.current())).isEqualTo(1_200 - MARGIN - 1);
    CheckpointResult c = rules.onArchived(0, 30, 40).orElseThrow();
    assertThat(c.heldBy()).isEqualTo(RS2);
    assertThat(c.time()).isEqualTo(9_200 - MARGIN - 1);
    assertThat(rules.queue(RS1)).isEmpty();
  }

  @Test
  void queueFirstSeenInSnapshotHoldsCheckpointFromItsExistence() {
    snapshot(1_000, listed(RS1, 900));
    marker(RS1, 5_000);
    poll(0);
    CheckpointResult c = snapshot(2_000, listed(RS1, 900), listed(RS2, 1_800)).orElseThrow();

    assertThat(c.heldBy()).isEqualTo(RS2);
    assertThat(c.rule()).isEqualTo(CheckpointRules.RULE_NEW_QUEUE);
    assertThat(c.time()).isEqualTo(1_000 - MARGIN - 1);
    assertThat(rules.queue(RS2).orElseThrow().contribution()).isEqualTo(1_000 - MARGIN);

    poll(2);
    assertThat(time(rules.current())).isEqualTo(1_000 - MARGIN - 1);
    c = rules.onArchived(0, 0, 2).orElseThrow();
    assertThat(c.heldBy()).isEqualTo(RS2);
    assertThat(c.rule()).isEqualTo(CheckpointRules.RULE_EFFECTIVE_CLAIM);
    assertThat(c.time()).isEqualTo(1_800 - MARGIN - 1);
  }

  @Test
  void queueFirstSeenInMarkerHoldsCheckpointFromNewestSnapshot() {
    snapshot(1_000, listed(RS1, 900));
    marker(RS1, 5_000);
    poll(0);
    snapshot(3_000, listed(RS1, 900));
    marker(RS1, 5_000);
    poll(0);
    assertThat(time(rules.current())).isEqualTo(3_000 - MARGIN - 1);

    CheckpointResult c = marker(RS3, 3_400).orElseThrow();
    assertThat(c.heldBy()).isEqualTo(RS3);
    assertThat(c.time()).isEqualTo(3_000 - MARGIN - 1);
    assertThat(c.rule()).isEqualTo(CheckpointRules.RULE_NEW_QUEUE);
  }

  @Test
  void membershipGuardCapsAtLatestReadTimeMinusMargin() {
    snapshot(1_000, listed(RS1, 900));
    marker(RS1, 10_000);
    poll(0);
    CheckpointResult c = snapshot(3_000, listed(RS1, 900)).orElseThrow();
    assertThat(c.time())
        .as("R_latest - margin counts once its snapshot's epoch is effective")
        .isEqualTo(1_000 - MARGIN - 1);
    c = poll(0).orElseThrow();

    assertThat(c.time()).isEqualTo(3_000 - MARGIN - 1);
    assertThat(c.rule()).isEqualTo(CheckpointRules.RULE_MEMBERSHIP_GUARD);
    assertThat(c.heldBy()).isNull();
  }

  @Test
  void noQueuesGivesLatestReadTimeMinusMarginMinusOne() {
    assertThat(rules.onSnapshot(4_000, MARGIN, List.of())).isEmpty();
    CheckpointResult c = poll(0).orElseThrow();
    assertThat(c.time()).isEqualTo(4_000 - MARGIN - 1);
    assertThat(c.rule()).isEqualTo(CheckpointRules.RULE_NO_QUEUES);
    assertThat(c.queueCount()).isZero();
  }

  @Test
  void membershipGuardWaitsForItsSnapshotToBeArchived() {
    // No queue is listed, yet a queue may have lived and died between the reads: its edits were
    // acknowledged before the second read, so the guard of that read counts once they are archived.
    rules.onSnapshot(1_000, MARGIN, List.of());
    poll(0);
    rules.onSnapshot(2_000, MARGIN, List.of());
    poll(8);
    assertThat(time(rules.current())).isEqualTo(1_000 - MARGIN - 1);
    rules.onArchived(0, 0, 8);
    assertThat(time(rules.current())).isEqualTo(2_000 - MARGIN - 1);
  }

  @Test
  void marginAppliedExactlyOnce() {
    // The publisher subtracted the margin: bounds arrive as s - margin and newest - margin.
    snapshot(9_000, new Listing(RS1, 8_500));
    poll(0);
    assertThat(time(rules.current())).isEqualTo(8_499);

    rules.onMarker(RS1, 20_000, 20_400, MARGIN);
    snapshot(10_000, new Listing(RS1, 8_500));
    poll(0);
    assertThat(time(rules.current()))
        .as("only the guard subtracts it, once")
        .isEqualTo(10_000 - MARGIN - 1);
    snapshot(30_000, new Listing(RS1, 8_500));
    poll(0);
    assertThat(time(rules.current())).isEqualTo(19_999);
  }

  @Test
  void highestEffectiveClaimNotNewest() {
    snapshot(1_000, listed(RS1, 900));
    marker(RS1, 5_000);
    poll(0);
    // A survivor re-ships from the stored position: its first marker is lower.
    marker(RS1, 4_000);
    snapshot(50_000, listed(RS1, 900));
    poll(0);

    assertThat(time(rules.current())).isEqualTo(5_000 - MARGIN - 1);
    assertThat(rules.queue(RS1).orElseThrow().contribution()).isEqualTo(5_000 - MARGIN);
  }

  @Test
  void decreaseIsPublishedAndNamesQueue() {
    snapshot(10_000, listed(RS1, 9_000));
    marker(RS1, 20_000);
    poll(0);
    snapshot(11_000, listed(RS1, 9_000));
    CheckpointResult before = poll(0).orElseThrow();
    assertThat(before.time()).isEqualTo(11_000 - MARGIN - 1);
    assertThat(before.decreased()).isFalse();

    // The operator raised the margin: rs2, new, may hold edits from R' - 5000 on.
    CheckpointResult after =
        rules
            .onSnapshot(12_000, 5_000, List.of(new Listing(RS1, 4_000), new Listing(RS2, 6_000)))
            .orElseThrow();

    assertThat(after.time()).isEqualTo(11_000 - 5_000 - 1);
    assertThat(after.decreased()).isTrue();
    assertThat(after.heldBy()).isEqualTo(RS2);
    CheckpointResult next = poll(0).orElseThrow();
    assertThat(next.decreased()).as("reported once, when it happens").isFalse();
  }

  @Test
  void noCheckpointBeforeFirstSnapshotHasPredecessorUntilEveryQueueEffective() {
    assertThat(marker(RS3, 700)).as("no snapshot yet").isEmpty();
    assertThat(rules.queue(RS3).orElseThrow().rule())
        .isEqualTo(CheckpointRules.RULE_AWAITING_CLAIM);
    poll(5);
    assertThat(snapshot(1_000, listed(RS1, 900), listed(RS2, 950))).isEmpty();
    poll(7);
    rules.onArchived(0, 0, 5);
    assertThat(rules.queue(RS3).orElseThrow().rule())
        .isEqualTo(CheckpointRules.RULE_EFFECTIVE_CLAIM);
    assertThat(rules.current())
        .as("rs1 and rs2, from the first snapshot, have no effective claim yet")
        .isEmpty();
    assertThat(rules.queue(RS1).orElseThrow().rule())
        .isEqualTo(CheckpointRules.RULE_AWAITING_CLAIM);
    rules.onArchived(0, 5, 7);

    assertThat(time(rules.current())).isEqualTo(700 - MARGIN - 1);
    assertThat(rules.current().orElseThrow().heldBy()).isEqualTo(RS3);
  }

  @Test
  void relistedQueueCancelsItsPendingRemoval() {
    snapshot(1_000, listed(RS1, 900), listed(RS2, 950));
    poll(0);
    snapshot(2_000, listed(RS2, 950));
    snapshot(3_000, listed(RS1, 900), listed(RS2, 950));
    poll(0);

    assertThat(rules.queue(RS1)).isPresent();
    assertThat(rules.current().orElseThrow().heldBy()).isEqualTo(RS1);
  }

  @Test
  void olderSnapshotFromSlowerPublisherIsIgnored() {
    snapshot(2_000, listed(RS1, 900), listed(RS2, 950));
    poll(0);
    snapshot(1_500, listed(RS2, 950));
    poll(0);

    assertThat(rules.queue(RS1).orElseThrow().removalPending()).isFalse();
    assertThat(time(rules.current())).isEqualTo(900 - MARGIN - 1);
  }

  @Test
  void stateExportImportRoundTripGivesSameCheckpoint() {
    snapshot(1_000, listed(RS1, 900), listed(RS2, 950));
    poll(0, 0);
    marker(RS1, 3_000);
    marker(RS2, 4_000);
    poll(4, 2);
    rules.onArchived(0, 0, 4);
    rules.onArchived(1, 1, 2);
    snapshot(5_000, listed(RS2, 4_500), listed(RS3, 4_800));
    marker(RS2, 4_900);
    poll(6, 3);
    rules.onArchived(0, 5, 6);

    Map<String, byte[]> store = new TreeMap<>();
    applyTo(store, rules.drainChangedState());
    assertThat(keys(store)).isEqualTo(keys(rules.exportState()));
    CheckpointRules restored = CheckpointRules.importState(store);
    assertThat(restored.current().map(CheckpointResult::time))
        .isEqualTo(rules.current().map(CheckpointResult::time));
    assertThat(restored.queues()).isEqualTo(rules.queues());

    // Both continue identically, and the drained changes keep the store equal to a full export.
    for (CheckpointRules r : List.of(rules, restored)) {
      r.onArchived(1, 0, 1);
      r.onArchived(1, 2, 3);
      r.onArchived(0, 4, 5);
      r.onEndOffsets(new long[] {6, 3});
    }
    assertThat(restored.current()).isEqualTo(rules.current());
    assertThat(restored.queues()).isEqualTo(rules.queues());
    applyTo(store, restored.drainChangedState());
    assertThat(store.keySet()).isEqualTo(restored.exportState().keySet());
    assertThat(CheckpointRules.importState(store).queues()).isEqualTo(restored.queues());
  }

  private static void applyTo(Map<String, byte[]> store, Map<String, byte[]> changes) {
    changes.forEach(
        (k, v) -> {
          if (v == null) {
            store.remove(k);
          } else {
            store.put(k, v);
          }
        });
  }

  private static Set<String> keys(Map<String, byte[]> m) {
    return new TreeSet<>(m.keySet());
  }
}
