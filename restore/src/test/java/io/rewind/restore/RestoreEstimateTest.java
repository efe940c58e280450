package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestoreEstimateTest {

  @Test
  void parallelismHelpsOnlyUpToThePartitionCount() {
    long oneLane = RestoreEstimate.durationMs(200_000, 4, 1);

    assertThat(oneLane)
        .isEqualTo(200_000 * 1000 / RestoreEstimate.ASSUMED_RECORDS_PER_SECOND_PER_PARTITION);
    assertThat(RestoreEstimate.durationMs(200_000, 4, 2)).isEqualTo(oneLane / 2);
    assertThat(RestoreEstimate.durationMs(200_000, 4, 16)).isEqualTo(oneLane / 4);
  }

  @Test
  void nothingToReplayTakesNoTime() {
    assertThat(RestoreEstimate.durationMs(0, 0, 8)).isZero();
  }
}
