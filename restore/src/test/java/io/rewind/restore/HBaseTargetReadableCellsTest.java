package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.core.dump.DumpCell;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HBaseTargetReadableCellsTest {

  @Test
  void aReadReturnsAtMostTheFamilysMaxVersionsPerColumn() {
    List<DumpCell> visible = List.of(cell("f", "a", 3), cell("f", "a", 2), cell("f", "a", 1), cell("f", "b", 1), cell("g", "a", 1));

    assertThat(HBaseTarget.readableCells(visible, Map.of("f", 2, "g", 1))).isEqualTo(4);
    assertThat(HBaseTarget.readableCells(visible, Map.of("f", 5, "g", 1))).isEqualTo(5);
    assertThat(HBaseTarget.readableCells(visible, Map.of())).as("unknown family: no cap").isEqualTo(5);
  }

  private static DumpCell cell(String family, String qualifier, long ts) {
    return new DumpCell("r".getBytes(StandardCharsets.UTF_8), family.getBytes(StandardCharsets.UTF_8),
        qualifier.getBytes(StandardCharsets.UTF_8), ts, "v".getBytes(StandardCharsets.UTF_8));
  }
}
