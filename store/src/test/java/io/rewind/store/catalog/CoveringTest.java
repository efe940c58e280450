package io.rewind.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.Manifest;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CoveringTest {

  private static Manifest m(long start, long end, int level) {
    Manifest m = new Manifest();
    m.startOffset = start;
    m.endOffset = end;
    m.level = level == 0 ? null : level;
    m.segmentPath = "s" + start + "-" + end + "-" + level;
    return m;
  }

  private static List<String> ranges(List<Manifest> ms) {
    return ms.stream().map(m -> m.startOffset + "-" + m.endOffset).collect(Collectors.toList());
  }

  @Test
  void theCoarsestCopyAtAStartWinsAndWhatItCoversIsRedundant() {
    Covering c = Covering.extend(-1, List.of(m(0, 10, 0), m(10, 20, 0), m(0, 20, 1), m(20, 30, 0)));

    assertThat(ranges(c.covering())).containsExactly("0-20", "20-30");
    assertThat(ranges(c.redundant())).containsExactlyInAnyOrder("0-10", "10-20");
    assertThat(c.start()).isZero();
    assertThat(c.end()).isEqualTo(30);
  }

  @Test
  void aPartialOverlapExtendsTheChainAndAGapEndsIt() {
    Covering c = Covering.extend(-1, List.of(m(0, 10, 0), m(5, 15, 0), m(20, 30, 0), m(30, 40, 0)));

    assertThat(ranges(c.covering())).containsExactly("0-10", "5-15");
    assertThat(ranges(c.beyondGap())).containsExactly("20-30", "30-40");
    assertThat(c.end()).isEqualTo(15);
  }

  @Test
  void extendingAChainStartsAtItsEnd() {
    Covering c =
        Covering.extend(
            100, List.of(m(100, 110, 0), m(90, 100, 0), m(110, 120, 0), m(130, 140, 0)));

    assertThat(ranges(c.covering())).containsExactly("100-110", "110-120");
    assertThat(ranges(c.redundant())).containsExactly("90-100");
    assertThat(ranges(c.beyondGap())).containsExactly("130-140");
    assertThat(c.end()).isEqualTo(120);
  }

  @Test
  void nothingExtendsAnEmptyChain() {
    Covering c = Covering.extend(-1, List.of());

    assertThat(c.start()).isEqualTo(-1);
    assertThat(c.end()).isEqualTo(-1);
    assertThat(c.covering()).isEmpty();
  }
}
