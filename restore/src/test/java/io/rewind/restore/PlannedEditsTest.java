package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.Manifest;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlannedEditsTest {

  private static Manifest segment(
      long start, long end, long minWrite, long maxWrite, Map<String, Long> tables) {
    Manifest m = new Manifest();
    m.startOffset = start;
    m.endOffset = end;
    m.minWriteTime = minWrite;
    m.maxWriteTime = maxWrite;
    m.tables = new TreeMap<>(tables);
    return m;
  }

  private static RestorePlan.Step whole(Manifest m) {
    return new RestorePlan.Step(m, m.startOffset);
  }

  @Test
  void aSegmentWhollyAtOrBeforeTCountsFromItsManifest() {
    Manifest m = segment(0, 10, 100, 200, Map.of("ns:a", 6L, "ns:b", 4L));

    assertThat(new PlannedEdits(200, Set.of(), Map.of()).fromManifest(whole(m))).isEqualTo(10);
    assertThat(new PlannedEdits(200, Set.of("ns:b"), Map.of()).fromManifest(whole(m))).isEqualTo(4);
  }

  @Test
  void aSegmentStraddlingTMustBeRead() {
    Manifest m = segment(0, 10, 100, 200, Map.of("ns:a", 10L));

    assertThat(new PlannedEdits(199, Set.of(), Map.of()).fromManifest(whole(m))).isNull();
    assertThat(new PlannedEdits(99, Set.of(), Map.of()).fromManifest(whole(m)))
        .as("wholly after T")
        .isZero();
  }

  @Test
  void aTableFromABaseCountsOnlyEditsAfterTheBase() {
    Manifest m = segment(0, 10, 100, 200, Map.of("ns:a", 6L, "ns:b", 4L));

    assertThat(new PlannedEdits(300, Set.of(), Map.of("ns:a", 200L)).fromManifest(whole(m)))
        .as("ns:a wholly in its base")
        .isEqualTo(4);
    assertThat(new PlannedEdits(300, Set.of(), Map.of("ns:a", 150L)).fromManifest(whole(m)))
        .as("ns:a straddles its base")
        .isNull();
    assertThat(new PlannedEdits(300, Set.of(), Map.of("ns:a", 99L)).fromManifest(whole(m)))
        .as("ns:a wholly after its base")
        .isEqualTo(10);
  }

  @Test
  void aPartlyPlannedOverlappingCopyMustBeRead() {
    Manifest m = segment(0, 10, 100, 200, Map.of("ns:a", 10L));

    assertThat(new PlannedEdits(300, Set.of(), Map.of()).fromManifest(new RestorePlan.Step(m, 5)))
        .isNull();
  }

  @Test
  void aSegmentOfGapsOnlyHoldsNoEdits() {
    Manifest m = new Manifest();
    m.startOffset = 0;
    m.endOffset = 10;

    assertThat(new PlannedEdits(300, Set.of(), Map.of()).fromManifest(whole(m))).isZero();
  }
}
