package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.archiver.OrphanSegments.SegmentFile;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanSegmentsTest {

  private static final long NOW = 10_000_000;
  private static final long GRACE = 3_600_000;
  private static final long OLD = NOW - GRACE;

  private static SegmentFile file(long start, long end, long modified) {
    return new SegmentFile("segments/p=0/" + start + "-" + end, start, end, 100, modified);
  }

  @Test
  void removesAnOldOrphanBelowTheFrontier() {
    SegmentFile committed = file(0, 10, OLD);
    SegmentFile orphan = file(10, 15, OLD);
    SegmentFile next = file(10, 20, OLD);

    OrphanSegments.Plan plan =
        OrphanSegments.plan(
            List.of(committed, orphan, next), Set.of(committed.key(), next.key()), 20, NOW, GRACE);

    assertThat(plan.remove()).containsExactly(orphan);
  }

  @Test
  void neverRemovesASegmentAManifestNamesHoweverOld() {
    SegmentFile committed = file(0, 10, 0);

    assertThat(
            OrphanSegments.plan(List.of(committed), Set.of(committed.key()), 10, NOW, 0).remove())
        .isEmpty();
  }

  @Test
  void keepsAnOrphanWithinTheGracePeriod() {
    SegmentFile young = file(0, 5, OLD + 1);

    OrphanSegments.Plan plan = OrphanSegments.plan(List.of(young), Set.of(), 10, NOW, GRACE);

    assertThat(plan.remove()).isEmpty();
    assertThat(plan.keepTooYoung()).containsExactly(young);
  }

  @Test
  void keepsAnOrphanReachingPastTheFrontierOrWhenThereIsNoChain() {
    SegmentFile straddling = file(5, 15, 0);
    SegmentFile beyond = file(20, 30, 0);

    assertThat(
            OrphanSegments.plan(List.of(straddling, beyond), Set.of(), 10, NOW, GRACE)
                .keepAboveFrontier())
        .containsExactly(straddling, beyond);
    assertThat(OrphanSegments.plan(List.of(file(0, 5, 0)), Set.of(), -1, NOW, GRACE).remove())
        .isEmpty();
  }

  @Test
  void anOrphanEndingExactlyAtTheFrontierIsBelowIt() {
    SegmentFile orphan = file(5, 10, 0);

    assertThat(OrphanSegments.plan(List.of(orphan), Set.of(), 10, NOW, GRACE).remove())
        .containsExactly(orphan);
  }
}
