package io.rewind.client.hbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.CellType;
import org.apache.hadoop.hbase.Cell;
import org.junit.jupiter.api.Test;

class CellTypesTest {

  @Test
  void everyTypeHBaseWritesToAWalOrALoadedHFileHasItsAvroType() {
    assertThat(CellTypes.toAvro(Cell.Type.Put)).contains(CellType.PUT);
    assertThat(CellTypes.toAvro(Cell.Type.Delete)).contains(CellType.DELETE);
    assertThat(CellTypes.toAvro(Cell.Type.DeleteColumn)).contains(CellType.DELETE_COLUMN);
    assertThat(CellTypes.toAvro(Cell.Type.DeleteFamily)).contains(CellType.DELETE_FAMILY);
    assertThat(CellTypes.toAvro(Cell.Type.DeleteFamilyVersion))
        .contains(CellType.DELETE_FAMILY_VERSION);
  }

  @Test
  void everyTypeOfThisHBaseIsMapped() {
    // A type a later HBase adds must be decided here, not met first as a refused WAL entry.
    for (Cell.Type t : Cell.Type.values()) {
      assertThat(CellTypes.toAvro(t)).as("%s", t).isPresent();
    }
  }
}
