package io.rewind.monitoring;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How urgent an alert is: a warning needs attention soon, a critical one now (data is or will be
 * lost).
 */
public enum Severity {
  WARNING(1),
  CRITICAL(2);

  private final int level;

  Severity(int level) {
    this.level = level;
  }

  /** The value of the {@code rewind_alert_state} gauge: 0 no alert, 1 warning, 2 critical. */
  public int level() {
    return level;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
