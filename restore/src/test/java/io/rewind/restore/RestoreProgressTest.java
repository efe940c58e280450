package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestoreProgressTest {

  @Test
  void aLogLineShowsRecordsAndBytesAgainstThePlanWithRateAndEta() {
    RestoreProgress progress = new RestoreProgress(false, Duration.ofHours(1));
    progress.start(1000, 10L << 20);
    for (int i = 0; i < 250; i++) {
      progress.recordRead();
    }
    progress.segmentRead(3L << 20);

    String line = progress.line();
    progress.close();

    assertThat(line)
        .startsWith("restore: 250/1000 records, 3/10 MB, ")
        .contains(" records/s, ETA PT");
    assertThat(progress.records()).isEqualTo(250);
  }

  @Test
  void startingAgainResetsTheCounters() {
    RestoreProgress progress = new RestoreProgress(false, Duration.ZERO);
    progress.start(10, 10);
    progress.recordRead();
    progress.close();

    progress.start(10, 10);

    assertThat(progress.records()).isZero();
    progress.close();
  }
}
