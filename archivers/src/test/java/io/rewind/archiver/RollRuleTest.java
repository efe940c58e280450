package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RollRuleTest {

  private final RollRule rule = new RollRule(500);

  @Test
  void aSegmentRollsAtTheFirstTickBoundaryAfterItOpened() {
    assertThat(rule.due(10_120, 10_499)).isFalse();
    assertThat(rule.due(10_120, 10_500)).isTrue();
    assertThat(rule.due(10_499, 10_500))
        .as("opened a millisecond before the tick: rolls with every other partition")
        .isTrue();
    assertThat(rule.due(10_500, 10_999)).as("opened on the boundary: a whole tick").isFalse();
  }

  @Test
  void anEmptySegmentNeverRolls() {
    assertThat(rule.due(-1, 1_000_000)).isFalse();
  }

  @Test
  void segmentsOpenedAnywhereInATickRollTogether() {
    // Twelve partitions whose segments opened at different moments of one tick: one moment commits
    // them all.
    for (long openedAt = 20_000; openedAt < 20_500; openedAt += 41) {
      assertThat(rule.due(openedAt, 20_499)).isFalse();
      assertThat(rule.due(openedAt, 20_500)).isTrue();
    }
  }

  @Test
  void underContinuousLoadAPartitionRollsOncePerTick() {
    // A record every 7 ms, the loop looks every 3 ms: a segment opens with the first record after
    // each roll.
    int rolls = 0;
    long openedAt = -1;
    for (long now = 0; now < 10_000; now += 3) {
      if (openedAt < 0 && now % 7 < 3) {
        openedAt = now;
      }
      if (rule.due(openedAt, now)) {
        rolls++;
        openedAt = -1;
      }
    }
    assertThat(rolls).as("one per boundary crossed: 500, 1000 ... 9500").isEqualTo(19);
  }

  @Test
  void aClockSetBackRollsOnceInsteadOfWaitingForItsTickToComeBack() {
    assertThat(rule.due(50_200, 40_100)).isTrue();
  }

  @Test
  void thePollWaitsAtMostUntilTheNextBoundary() {
    assertThat(rule.untilNextTick(10_000)).isEqualTo(500);
    assertThat(rule.untilNextTick(10_001)).isEqualTo(499);
    assertThat(rule.untilNextTick(10_499)).isEqualTo(1);
  }

  @Test
  void theTickMustBePositive() {
    assertThatThrownBy(() -> new RollRule(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }
}
