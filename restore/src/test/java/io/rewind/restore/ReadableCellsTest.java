package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.store.dump.DumpCell;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadableCellsTest {

  private static final List<DumpCell> VISIBLE =
      List.of(
          cell("f", "a", 3_000),
          cell("f", "a", 2_000),
          cell("f", "a", 1_000),
          cell("f", "b", 1_000),
          cell("g", "a", 1_000));

  @Test
  void aReadReturnsAtMostTheFamilysVersionsPerColumnNewestFirst() {
    assertThat(ReadableCells.of(VISIBLE, Map.of("f", family("f", 2), "g", family("g", 1)), 0))
        .containsExactly(VISIBLE.get(0), VISIBLE.get(1), VISIBLE.get(3), VISIBLE.get(4));
    assertThat(ReadableCells.of(VISIBLE, Map.of("f", family("f", 5), "g", family("g", 1)), 0))
        .isEqualTo(VISIBLE);
    assertThat(ReadableCells.of(VISIBLE, Map.of(), 0))
        .as("no settings: the whole row")
        .isEqualTo(VISIBLE);
    assertThat(ReadableCells.of(VISIBLE, Map.of("g", family("g", 1)), 0))
        .as("a family without settings is read whole")
        .isEqualTo(VISIBLE);
  }

  @Test
  void cellsTheTtlExpiredAreNotReadExceptTheNewestMinVersions() {
    FamilyDescriptor ttl =
        FamilyDescriptor.newBuilder(family("f", Integer.MAX_VALUE)).setTtlSeconds(2).build();
    // now 4.5 s: cells older than 2.5 s are expired
    assertThat(ReadableCells.of(VISIBLE, Map.of("f", ttl), 4_500))
        .containsExactly(VISIBLE.get(0), VISIBLE.get(4));
    FamilyDescriptor keepsOne = FamilyDescriptor.newBuilder(ttl).setMinVersions(1).build();
    assertThat(ReadableCells.of(VISIBLE, Map.of("f", keepsOne), 10_000))
        .as("every cell expired: the newest of each column stays")
        .containsExactly(VISIBLE.get(0), VISIBLE.get(3), VISIBLE.get(4));
  }

  @Test
  void theHBaseTargetCountsWhatItsReadReturns() {
    assertThat(
            HBaseTarget.readableCells(
                List.of(
                    VISIBLE.get(4), VISIBLE.get(2), VISIBLE.get(0), VISIBLE.get(1), VISIBLE.get(3)),
                Map.of("f", family("f", 2), "g", family("g", 1))))
        .isEqualTo(4);
  }

  private static FamilyDescriptor family(String name, int versions) {
    return FamilyDescriptor.newBuilder().setName(name).setMaxVersions(versions).build();
  }

  private static DumpCell cell(String family, String qualifier, long ts) {
    return new DumpCell(
        "r".getBytes(StandardCharsets.UTF_8),
        family.getBytes(StandardCharsets.UTF_8),
        qualifier.getBytes(StandardCharsets.UTF_8),
        ts,
        "v".getBytes(StandardCharsets.UTF_8));
  }
}
