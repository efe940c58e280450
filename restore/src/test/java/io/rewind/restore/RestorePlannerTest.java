package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.store.Manifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestorePlannerTest {

  @Test
  void segmentsWhoseEditsAreAllAfterTheTimeAreNotRead() {
    RestorePlan plan =
        RestorePlanner.plan(Map.of(0, List.of(m(0, 0, 10, 100, 200), m(0, 10, 20, 201, 300))), 150);

    assertThat(plan.stepsByPartition().get(0))
        .extracting(s -> s.manifest().startOffset)
        .containsExactly(0L);
    assertThat(plan.records()).isEqualTo(10);
  }

  @Test
  void overlappingCopiesFromAZombieAreReadOnce() {
    Manifest a = m(0, 0, 10, 100, 110);
    Manifest zombie = m(0, 5, 15, 105, 115);
    Manifest redundant = m(0, 5, 10, 105, 110);
    RestorePlan plan = RestorePlanner.plan(Map.of(0, List.of(zombie, a, redundant)), 1_000);

    assertThat(plan.stepsByPartition().get(0))
        .extracting(s -> s.manifest().startOffset + ":" + s.fromOffset())
        .containsExactly("0:0", "5:10");
    assertThat(plan.records()).isEqualTo(15);
  }

  @Test
  void aTimePastTheCheckpointIsRefusedNamingBothBounds() {
    RestorableRange range = new RestorableRange(1_000, 2_000);

    assertThatThrownBy(() -> range.check(2_001))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining(
            "outside the restorable range 1970-01-01T00:00:01Z … 1970-01-01T00:00:02Z")
        .hasMessageContaining("after the checkpoint");
    assertThatThrownBy(() -> range.check(999))
        .hasMessageContaining("before the first archived edit");
    range.check(1_000);
    range.check(2_000);
  }

  @Test
  void segmentsHoldingOnlyEditsInTheBasesAreNotRead() {
    RestorePlan plan =
        RestorePlanner.plan(
            Map.of(
                0, List.of(m(0, 0, 10, 100, 200), m(0, 10, 20, 150, 300), m(0, 20, 30, 301, 400))),
            350,
            200);

    assertThat(plan.stepsByPartition().get(0))
        .extracting(s -> s.manifest().startOffset)
        .containsExactly(10L, 20L);
  }

  private static Manifest m(int partition, long start, long end, long minTime, long maxTime) {
    Manifest m = new Manifest();
    m.partition = partition;
    m.startOffset = start;
    m.endOffset = end;
    m.minWriteTime = minTime;
    m.maxWriteTime = maxTime;
    m.segmentPath = "segments/p=" + partition + "/" + start;
    return m;
  }
}
