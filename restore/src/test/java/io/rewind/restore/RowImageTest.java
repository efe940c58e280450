package io.rewind.restore;

import static io.rewind.restore.TestEdits.bytes;
import static io.rewind.restore.TestEdits.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.store.dump.DumpCell;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowImageTest {

  private static final byte[] ROW = bytes("r1");

  /** The same row built through the general image, sorted for comparison. */
  private static List<DumpCell> throughImage(List<Cell> cells) {
    RowImage image = new RowImage(ROW);
    cells.forEach(image::apply);
    List<DumpCell> visible = new ArrayList<>(image.toRestoredRow().visibleCells());
    visible.sort(DumpCell.ORDER);
    return visible;
  }

  @Test
  void anEditOfDistinctPutsIsItsOwnRowAsTheImageWouldHaveIt() {
    List<Cell> cells = List.of(put("a", 100, "1"), put("b", 100, "2"), put("a", 99, "3"));

    RestoredRow row = RowImage.ofDistinctPuts(ROW, cells);

    assertThat(row).isNotNull();
    assertThat(row.deleteMarkers()).isEmpty();
    List<DumpCell> visible = new ArrayList<>(row.visibleCells());
    visible.sort(DumpCell.ORDER);
    assertThat(visible).isEqualTo(throughImage(cells)).hasSize(3);
  }

  @Test
  void aRepeatedCellOrADeleteTakesTheGeneralPath() {
    assertThat(RowImage.ofDistinctPuts(ROW, List.of(put("a", 100, "1"), put("a", 100, "2"))))
        .isNull();
    assertThat(
            RowImage.ofDistinctPuts(
                ROW, List.of(put("a", 100, "1"), TestEdits.cell("a", 100, CellType.DELETE, ""))))
        .isNull();
  }

  @Test
  void aWideEditTakesTheGeneralPath() {
    List<Cell> wide = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      wide.add(put("q" + i, 100, "v"));
    }

    assertThat(RowImage.ofDistinctPuts(ROW, wide)).isNull();
  }
}
