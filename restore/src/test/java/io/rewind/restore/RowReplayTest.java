package io.rewind.restore;

import static io.rewind.restore.TestEdits.bytes;
import static io.rewind.restore.TestEdits.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.WalEdit;
import io.rewind.store.dump.DumpCell;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowReplayTest {

  private static final byte[] ROW = bytes("r1");

  @Test
  void samePutTimestampHigherSequenceIdWinsWhateverTheArrivalOrder() {
    WalEdit older = edit("region-a", 10, put("q", 100, "old"));
    WalEdit newer = edit("region-a", 11, put("q", 100, "new"));

    assertThat(replay(List.of(newer, older))).containsExactly(cell("q", 100, "new"));
    assertThat(replay(List.of(older, newer))).containsExactly(cell("q", 100, "new"));
  }

  @Test
  void reshippedDuplicateIsAppliedOnce() {
    WalEdit put = edit("region-a", 10, put("q", 100, "v"));
    WalEdit overwrite = edit("region-a", 11, put("q", 100, "w"));
    WalEdit reshipped = edit("region-a", 10, put("q", 100, "v"));
    RowImage image = new RowImage(ROW);

    int duplicates = RowReplay.replay(List.of(put, overwrite, reshipped), image);

    assertThat(duplicates).isEqualTo(1);
    // Applied a second time, after sequence id 11, the re-shipped put would bring "v" back.
    assertThat(image.visibleCells()).containsExactly(cell("q", 100, "w"));
  }

  @Test
  void sequenceIdsFromDifferentRegionsAreDistinctEdits() {
    WalEdit a = edit("region-a", 10, put("q", 100, "a"));
    WalEdit b = edit("region-b", 10, put("q", 101, "b"));
    RowImage image = new RowImage(ROW);

    assertThat(RowReplay.replay(List.of(a, b), image)).isZero();
    assertThat(image.visibleCells()).hasSize(2);
  }

  @Test
  void aReshippedEditAmongOthersWithTheSameSequenceIdIsAppliedOnce() {
    WalEdit a = edit("region-a", 10, put("q", 100, "a"));
    WalEdit b = edit("region-b", 10, put("q", 101, "b"));
    WalEdit c = edit("region-c", 10, put("q", 102, "c"));
    WalEdit aAgain = edit("region-a", 10, put("q", 100, "a"));
    RowImage image = new RowImage(ROW);

    assertThat(
            RowReplay.replay(
                List.of(a, b, c, aAgain, edit("region-c", 10, put("q", 102, "c"))), image))
        .isEqualTo(2);
    assertThat(image.visibleCells()).hasSize(3);
  }

  @Test
  void deleteTypesMaskAsHBaseDoes() {
    List<WalEdit> edits = new ArrayList<>();
    edits.add(
        edit(
            "r",
            1,
            put("a", 100, "a100"),
            put("a", 200, "a200"),
            put("b", 100, "b100"),
            put("b", 200, "b200")));
    edits.add(edit("r", 2, put("c", 100, "c100"), put("c", 200, "c200"), put("d", 100, "d100")));
    // DeleteColumn masks a's versions at or below 150; Delete masks exactly b@100.
    edits.add(
        edit(
            "r",
            3,
            TestEdits.cell("a", 150, CellType.DELETE_COLUMN, ""),
            TestEdits.cell("b", 100, CellType.DELETE, "")));
    // DeleteFamilyVersion masks exactly timestamp 200 in every column.
    edits.add(edit("r", 4, TestEdits.cell("", 200, CellType.DELETE_FAMILY_VERSION, "")));
    // A put with an older timestamp written after a DeleteColumn stays masked.
    edits.add(edit("r", 5, put("a", 120, "late")));

    assertThat(replay(edits))
        .containsExactlyInAnyOrder(cell("c", 100, "c100"), cell("d", 100, "d100"));

    edits.add(edit("r", 6, TestEdits.cell("", 100, CellType.DELETE_FAMILY, "")));
    assertThat(replay(edits)).isEmpty();
  }

  @Test
  void theLastOfTwoPutsOfOneCellInOneEntryWinsAsInHBase() {
    // HBase keeps the last (KafkaBackupEndpointIntegrationTest settles it on a mini cluster).
    assertThat(replay(List.of(edit("r", 1, put("q", 100, "first"), put("q", 100, "second")))))
        .containsExactly(cell("q", 100, "second"));
  }

  @Test
  void putAndDeleteWithSameTimestampDeleteWins() {
    assertThat(
            replay(
                List.of(
                    edit("r", 2, TestEdits.cell("q", 100, CellType.DELETE, "")),
                    edit("r", 1, put("q", 100, "v")))))
        .isEmpty();
    assertThat(
            replay(
                List.of(
                    edit("r", 1, TestEdits.cell("q", 100, CellType.DELETE, "")),
                    edit("r", 2, put("q", 100, "v")))))
        .isEmpty();
  }

  private static List<DumpCell> replay(List<WalEdit> edits) {
    RowImage image = new RowImage(ROW);
    List<WalEdit> shuffled = new ArrayList<>(edits);
    Collections.reverse(shuffled);
    RowReplay.replay(shuffled, image);
    return image.visibleCells();
  }

  private static WalEdit edit(String region, long seq, Cell... cells) {
    return TestEdits.edit(ROW, region, seq, cells);
  }

  private static DumpCell cell(String qualifier, long ts, String value) {
    return new DumpCell(ROW, bytes("f"), bytes(qualifier), ts, bytes(value));
  }
}
