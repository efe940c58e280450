package io.rewind.client.time;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the times operators type: ISO-8601 instants with or without a zone (without one means UTC,
 * and the result says so), epoch milliseconds, and times relative to now ({@code -15m}, {@code
 * -2h}, {@code -30s}, {@code -1d}, {@code -500ms}).
 */
public final class TimeParser {

  private static final Pattern RELATIVE = Pattern.compile("-(\\d+)(ms|s|m|h|d)");
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  /**
   * Epoch millis of every time since 2001-09-09 have 13 digits; fewer are seconds or a typo, not a
   * restore time.
   */
  private static final int MIN_EPOCH_MILLIS_DIGITS = 12;

  private final Clock clock;

  public TimeParser(Clock clock) {
    this.clock = clock;
  }

  /** A parsed time and how it was read, for the report. */
  public static final class ParsedTime {
    private final Instant instant;
    private final String interpretation;

    ParsedTime(Instant instant, String interpretation) {
      this.instant = instant;
      this.interpretation = interpretation;
    }

    public Instant instant() {
      return instant;
    }

    public long epochMillis() {
      return instant.toEpochMilli();
    }

    /** E.g. "ISO-8601 without a zone, read as UTC"; null when nothing needed saying. */
    public String interpretation() {
      return interpretation;
    }
  }

  public ParsedTime parse(String text) {
    if (text == null || text.isBlank()) {
      throw new RewindException(
          Kind.REFUSED,
          "no time given: use an ISO-8601 instant (2026-11-21T10:05:00Z), epoch millis or a relative time (-15m)");
    }
    String t = text.trim();
    Matcher rel = RELATIVE.matcher(t);
    if (rel.matches()) {
      long n = Long.parseLong(rel.group(1));
      Duration d;
      switch (rel.group(2)) {
        case "ms":
          d = Duration.ofMillis(n);
          break;
        case "s":
          d = Duration.ofSeconds(n);
          break;
        case "m":
          d = Duration.ofMinutes(n);
          break;
        case "h":
          d = Duration.ofHours(n);
          break;
        default:
          d = Duration.ofDays(n);
          break;
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      return new ParsedTime(now.minus(d), "relative: " + t + " before " + now);
    }
    if (DIGITS.matcher(t).matches()) {
      if (t.length() < MIN_EPOCH_MILLIS_DIGITS || t.length() > 15) {
        throw new RewindException(
            Kind.REFUSED,
            "cannot read the time '"
                + t
                + "' as epoch milliseconds: they have 13 digits"
                + " (1795000000000); for epoch seconds append 000, or give an ISO-8601 instant (2026-11-21T10:05:00Z)");
      }
      return new ParsedTime(Instant.ofEpochMilli(Long.parseLong(t)), "epoch milliseconds");
    }
    // A space between date and time, as people type it and as logs print it.
    t = t.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) (\\d)", "$1T$2");
    try {
      return new ParsedTime(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(t, Instant::from), null);
    } catch (DateTimeParseException ignored) {
      // fall through: perhaps no zone
    }
    try {
      LocalDateTime local = LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      return new ParsedTime(
          local.toInstant(ZoneOffset.UTC), "ISO-8601 without a zone, read as UTC");
    } catch (DateTimeParseException ignored) {
      // fall through: perhaps a date alone
    }
    try {
      LocalDate date = LocalDate.parse(t, DateTimeFormatter.ISO_LOCAL_DATE);
      return new ParsedTime(
          date.atStartOfDay(ZoneOffset.UTC).toInstant(),
          "ISO-8601 date without a time, read as 00:00:00.000 UTC");
    } catch (DateTimeParseException e) {
      throw new RewindException(
          Kind.REFUSED,
          "cannot read the time '"
              + t
              + "': use an ISO-8601 instant (2026-11-21T10:05:00.000Z; without a zone it is UTC),"
              + " epoch milliseconds (1795000000000) or a relative time (-15m, -2h, -30s, -1d)");
    }
  }

  /** Formats millis as ISO-8601 with milliseconds, e.g. 10:04:58.312Z in context. */
  public static String format(long epochMillis) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
  }
}
