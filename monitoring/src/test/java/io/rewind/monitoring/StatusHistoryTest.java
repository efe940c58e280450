package io.rewind.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusHistoryTest {

  @Test
  void keepsTheNewestPointsOldestFirst() {
    StatusHistory h = new StatusHistory(3);
    for (int i = 1; i <= 5; i++) {
      h.add(new StatusHistory.Point(i, (double) i, i, i, 0));
    }
    assertThat(h.points()).extracting(StatusHistory.Point::time).containsExactly(3L, 4L, 5L);
  }

  @Test
  void aPointTakesTheRpoAndTheArchiveLagOfAReport() {
    StatusHistory.Point p = StatusHistory.Point.of(new Facts().report());
    assertThat(p.rpoSeconds()).isEqualTo(1.0);
    assertThat(p.archiveLagRecords()).isZero();
    Facts none = new Facts();
    none.checkpoint = null;
    assertThat(StatusHistory.Point.of(none.report()).rpoSeconds()).isNull();
  }
}
