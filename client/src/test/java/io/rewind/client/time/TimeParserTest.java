package io.rewind.client.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimeParserTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:05:00.123Z");
  private final TimeParser parser = new TimeParser(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void anInstantWithAZoneNeedsNoExplanation() {
    TimeParser.ParsedTime t = parser.parse("2026-11-21T12:05:00.250+02:00");

    assertThat(t.instant()).isEqualTo(Instant.parse("2026-11-21T10:05:00.250Z"));
    assertThat(t.interpretation()).isNull();
  }

  @Test
  void anInstantWithoutAZoneIsUtcAndSaysSo() {
    TimeParser.ParsedTime t = parser.parse("2026-11-21T10:05:00.250");

    assertThat(t.instant()).isEqualTo(Instant.parse("2026-11-21T10:05:00.250Z"));
    assertThat(t.interpretation()).isEqualTo("ISO-8601 without a zone, read as UTC");
    assertThat(parser.parse("2026-11-21 10:05:00.250").instant())
        .as("a space for the T, as logs print it")
        .isEqualTo(t.instant());
  }

  @Test
  void aDateAloneIsItsMidnightUtc() {
    TimeParser.ParsedTime t = parser.parse("2026-11-21");

    assertThat(t.instant()).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
    assertThat(t.interpretation()).contains("00:00:00.000 UTC");
  }

  @Test
  void epochMillis() {
    TimeParser.ParsedTime t = parser.parse("1795000000123");

    assertThat(t.epochMillis()).isEqualTo(1_795_000_000_123L);
    assertThat(t.interpretation()).isEqualTo("epoch milliseconds");
  }

  @Test
  void tooFewDigitsForEpochMillisAreRefusedNotReadAs1970() {
    assertThatThrownBy(() -> parser.parse("1795000000"))
        .isInstanceOf(RewindException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.REFUSED)
        .hasMessageContaining("'1795000000'")
        .hasMessageContaining("13 digits")
        .hasMessageContaining("epoch seconds append 000");
    assertThatThrownBy(() -> parser.parse("2026"))
        .isInstanceOf(RewindException.class)
        .hasFieldOrPropertyWithValue("kind", Kind.REFUSED);
  }

  @Test
  void relativeTimesCountBackFromNowToTheMillisecond() {
    assertThat(parser.parse("-15m").instant()).isEqualTo(NOW.minusSeconds(15 * 60));
    assertThat(parser.parse("-2h").instant()).isEqualTo(NOW.minusSeconds(2 * 3600));
    assertThat(parser.parse("-30s").instant()).isEqualTo(NOW.minusSeconds(30));
    assertThat(parser.parse("-1d").instant()).isEqualTo(NOW.minusSeconds(86_400));
    assertThat(parser.parse("-500ms").instant()).isEqualTo(NOW.minusMillis(500));
    assertThat(parser.parse("-15m").interpretation())
        .isEqualTo("relative: -15m before 2026-11-21T10:05:00.123Z");
  }

  @Test
  void anythingElseIsRefusedWithTheFormsThatWork() {
    for (String bad :
        new String[] {"yesterday", "15m", "-15 minutes", "2026-13-01T00:00:00Z", "10:05"}) {
      assertThatThrownBy(() -> parser.parse(bad))
          .as(bad)
          .isInstanceOf(RewindException.class)
          .hasFieldOrPropertyWithValue("kind", Kind.REFUSED)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("-15m");
    }
    assertThatThrownBy(() -> parser.parse(" ")).hasMessageContaining("no time given");
  }
}
