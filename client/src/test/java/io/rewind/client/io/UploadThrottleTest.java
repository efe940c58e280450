package io.rewind.client.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UploadThrottleTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void unlimitedNeverWaits() {
    UploadThrottle t = new UploadThrottle(0);

    assertThat(t.isLimited()).isFalse();
    assertThat(t.take(Long.MAX_VALUE / 2, 0)).isZero();
  }

  @Test
  void aBurstUpToAQuarterSecondPassesThenTheRateHolds() {
    UploadThrottle t = new UploadThrottle(4_000_000); // capacity 1 MB

    assertThat(t.take(1_000_000, 0)).isZero();
    // 2 MB more on credit: repaid at 4 MB/s, half a second.
    assertThat(t.take(2_000_000, 0)).isEqualTo(SECOND / 2);
    // After waiting it off, the next megabyte waits its own quarter second.
    assertThat(t.take(1_000_000, SECOND / 2)).isEqualTo(SECOND / 4);
  }

  @Test
  void overAnyLongRunTheAverageIsTheCap() {
    long rate = 1_000_000;
    UploadThrottle t = new UploadThrottle(rate);
    long now = 0;
    long sent = 0;
    for (int i = 0; i < 1000; i++) {
      now += t.take(64 * 1024, now);
      sent += 64 * 1024;
    }
    double seconds = now / 1e9;
    assertThat(sent / seconds)
        .isBetween(rate * 0.95, rate * 1.0 + 64 * 1024 + t.bytesPerSecond() / 4.0 / seconds);
  }

  @Test
  void idleTimeRefillsOnlyUpToTheCapacity() {
    UploadThrottle t = new UploadThrottle(4_000_000);
    t.take(1_000_000, 0);

    // An hour idle does not let an hour's worth through at once.
    assertThat(t.take(2_000_000, 3600 * SECOND)).isEqualTo(SECOND / 4);
  }
}
