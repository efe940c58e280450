package io.rewind.restore;

import static io.rewind.restore.TestEdits.cell;
import static io.rewind.restore.TestEdits.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.WalEdit;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Mutation;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

/**
 * What the HBase target writes for a row: the replay's order and dedupe rules decide which put of a
 * key is written, and every delete marker keeps its type and timestamp.
 */
class HBaseMutationsTest {

  private static final byte[] ROW = {0x00, (byte) 0xff, 0x10};

  @Test
  void editsAreAppliedInSequenceIdOrderAndAReshippedDuplicateOnce() {
    // Arrival order as after a crash: the survivor re-ships seq 10 after seq 11 was archived, and
    // seq 12 arrives before both. Applied by arrival, the re-shipped "v1" would win over "v2".
    WalEdit seq11 = edit("region-a", 11, put("q", 100, "v2"));
    WalEdit seq12 = edit("region-a", 12, cell("q", 50, CellType.DELETE, ""), put("q", 60, "v3"));
    WalEdit seq10 = edit("region-a", 10, put("q", 100, "v1"), put("q", 50, "old"));
    WalEdit seq10Reshipped = edit("region-a", 10, put("q", 100, "v1"), put("q", 50, "old"));

    RowImage image = new RowImage(ROW);
    int duplicates = RowReplay.replay(List.of(seq12, seq11, seq10Reshipped, seq10), image);
    List<Mutation> mutations = HBaseMutations.of(image.toRestoredRow());

    assertThat(duplicates).isEqualTo(1);
    assertThat(mutations).hasSize(2);
    Put put = (Put) mutations.get(0);
    assertThat(cells(put)).containsExactlyInAnyOrder("f:q@100=v2", "f:q@60=v3", "f:q@50=old");
    Delete delete = (Delete) mutations.get(1);
    assertThat(cells(delete)).containsExactly("f:q@50 Delete");
    assertThat(image.toRestoredRow().visibleCells()).hasSize(2);
  }

  @Test
  void everyDeleteTypeKeepsItsTypeAndTimestampAndFamilyMarkersComeFirst() {
    RowImage image = new RowImage(ROW);
    RowReplay.replay(
        List.of(
            edit(
                "r",
                1,
                cell("a", 10, CellType.DELETE, ""),
                cell("b", 20, CellType.DELETE_COLUMN, ""),
                cell("", 30, CellType.DELETE_FAMILY_VERSION, ""),
                cell("", 5, CellType.DELETE_FAMILY, ""))),
        image);

    List<Mutation> mutations = HBaseMutations.of(image.toRestoredRow());

    assertThat(mutations).singleElement().isInstanceOf(Delete.class);
    List<String> markers = cells(mutations.get(0));
    assertThat(markers)
        .containsExactlyInAnyOrder(
            "f:a@10 Delete",
            "f:b@20 DeleteColumn",
            "f:@30 DeleteFamilyVersion",
            "f:@5 DeleteFamily");
  }

  private static List<String> cells(Mutation m) {
    List<String> out = new ArrayList<>();
    m.getFamilyCellMap()
        .values()
        .forEach(
            list ->
                list.forEach(
                    c -> {
                      String key =
                          Bytes.toString(CellUtil.cloneFamily(c))
                              + ":"
                              + Bytes.toString(CellUtil.cloneQualifier(c))
                              + "@"
                              + c.getTimestamp();
                      out.add(
                          m instanceof Put
                              ? key + "=" + Bytes.toString(CellUtil.cloneValue(c))
                              : key + " " + c.getType());
                    }));
    return out;
  }

  private static WalEdit edit(String region, long seq, Cell... cells) {
    return TestEdits.edit(ROW, region, seq, cells);
  }
}
