package io.rewind.tools;

import java.util.Arrays;

/** Measured values (latencies, lags) kept in full so that percentiles are exact, not estimated. */
final class LatencySamples {

  private long[] values = new long[1024];
  private int size;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  int size() {
    return size;
  }

  /** The nearest-rank percentile ({@code p} in 0..100) of what was added; 0 when nothing was. */
  long percentile(double p) {
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  long max() {
    return percentile(100);
  }
}
