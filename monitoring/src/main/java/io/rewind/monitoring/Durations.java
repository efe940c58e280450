package io.rewind.monitoring;

import java.util.Locale;

/** Durations as people read them in alerts and tables: 850 ms, 12.3 s, 4 min 5 s, 2 h 10 min. */
final class Durations {
  private Durations() {}

  static String text(long ms) {
    long abs = Math.abs(ms);
    String sign = ms < 0 ? "-" : "";
    if (abs < 1_000) {
      return sign + abs + " ms";
    }
    if (abs < 60_000) {
      return sign + String.format(Locale.ROOT, "%.1f s", abs / 1000.0);
    }
    if (abs < 3_600_000) {
      return sign + (abs / 60_000) + " min " + (abs % 60_000) / 1000 + " s";
    }
    return sign + (abs / 3_600_000) + " h " + (abs % 3_600_000) / 60_000 + " min";
  }
}
