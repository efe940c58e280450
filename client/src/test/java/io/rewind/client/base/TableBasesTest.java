package io.rewind.client.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableBasesTest {

  static BaseImageManifest base(String id, long startedAt, long completedAt) {
    BaseImageManifest b = new BaseImageManifest();
    b.table = "ns:t";
    b.id = id;
    b.startedAt = startedAt;
    b.replayAfter = startedAt - 500;
    b.completedAt = completedAt;
    return b;
  }

  @Test
  void theNewestBaseCompletedAtOrBeforeTServesIt() {
    TableBases bases =
        new TableBases(
            "ns:t",
            List.of(base("b3", 3_000, 3_100), base("b1", 1_000, 1_100), base("b2", 2_000, 2_100)));
    assertThat(bases.servingAt(1_099)).isEmpty();
    assertThat(bases.servingAt(1_100)).get().extracting(b -> b.id).isEqualTo("b1");
    assertThat(bases.servingAt(2_099)).get().extracting(b -> b.id).isEqualTo("b1");
    assertThat(bases.servingAt(2_100)).get().extracting(b -> b.id).isEqualTo("b2");
    assertThat(bases.servingAt(Long.MAX_VALUE)).get().extracting(b -> b.id).isEqualTo("b3");
  }

  @Test
  void theEarliestRestorablePointIsTheOldestBasesCompletionNotItsStart() {
    TableBases bases =
        new TableBases("ns:t", List.of(base("b2", 2_000, 2_100), base("b1", 1_000, 1_100)));
    assertThat(bases.earliest()).hasValue(1_100);
    assertThat(new TableBases("ns:t", List.of()).earliest()).isEmpty();
  }
}
