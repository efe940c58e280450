package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.CellType;
import io.rewind.store.dump.DumpCell;
import java.util.List;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

class BulkLoadTargetTest {

  private static final byte[] ROW = Bytes.toBytes("r");
  private static final byte[] F = Bytes.toBytes("f");

  @Test
  void aRowGoesToTheLastRegionStartingAtOrBeforeIt() {
    byte[][] starts = {new byte[0], {(byte) 0x40}, {(byte) 0x80}};

    assertThat(BulkLoadTarget.regionOf(starts, Bytes.toBytes("\u0001"))).isZero();
    assertThat(BulkLoadTarget.regionOf(starts, new byte[] {(byte) 0x40})).isEqualTo(1);
    assertThat(BulkLoadTarget.regionOf(starts, new byte[] {(byte) 0x7f, 1})).isEqualTo(1);
    assertThat(BulkLoadTarget.regionOf(starts, new byte[] {(byte) 0xff})).isEqualTo(2);
    assertThat(BulkLoadTarget.regionOf(new byte[][] {new byte[0]}, new byte[] {1})).isZero();
  }

  @Test
  void aRowsCellsComeInHFileOrderMarkersWithTheirTypes() {
    RestoredRow row =
        new RestoredRow(
            ROW,
            List.of(put("q1", 100), put("q0", 100), put("q1", 200)),
            List.of(
                new DeleteMarker(F, Bytes.toBytes("q1"), 150, CellType.DELETE_COLUMN),
                new DeleteMarker(F, new byte[0], 50, CellType.DELETE_FAMILY)),
            List.of());

    List<Cell> cells = BulkLoadTarget.cells(row);

    // Family marker (empty qualifier) first; per column newest first; a marker before a put of the
    // same timestamp.
    assertThat(cells)
        .extracting(
            c ->
                Bytes.toString(CellUtil.cloneQualifier(c))
                    + "@"
                    + c.getTimestamp()
                    + ":"
                    + c.getType())
        .containsExactly(
            "@50:DeleteFamily", "q0@100:Put", "q1@200:Put", "q1@150:DeleteColumn", "q1@100:Put");
  }

  private static DumpCell put(String qualifier, long ts) {
    return new DumpCell(ROW, F, Bytes.toBytes(qualifier), ts, Bytes.toBytes("v"));
  }
}
