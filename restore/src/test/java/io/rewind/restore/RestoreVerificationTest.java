package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreVerificationTest {

  @Test
  void equalCountsPass() {
    RestoreVerification v =
        RestoreVerification.compare(Map.of("ns:a", 3L, "ns:b", 0L), Map.of("ns:a", 3L, "ns:b", 0L));

    assertThat(v.ok).isTrue();
    assertThat(v.tables.get("ns:a").found).isEqualTo(3);
  }

  @Test
  void aShortTableOrAnUnexpectedOneFails() {
    RestoreVerification v =
        RestoreVerification.compare(Map.of("ns:a", 3L), Map.of("ns:a", 2L, "ns:x", 1L));

    assertThat(v.ok).isFalse();
    assertThat(v.tables.get("ns:a").ok).isFalse();
    assertThat(v.tables.get("ns:x").expected).isZero();
    assertThat(v.tables.get("ns:x").ok).isFalse();
  }
}
