package io.rewind.client.hbase;

import io.rewind.schemas.CellType;
import java.util.Optional;
import org.apache.hadoop.hbase.Cell;

/**
 * HBase's cell types as the Avro {@link CellType} of an archived cell: WAL cells and bulk-loaded
 * HFiles' alike.
 */
public final class CellTypes {

  private CellTypes() {}

  /**
   * Empty for a type HBase never writes to a WAL edit or a loaded HFile: its caller says where it
   * came from.
   */
  public static Optional<CellType> toAvro(Cell.Type type) {
    switch (type) {
      case Put:
        return Optional.of(CellType.PUT);
      case Delete:
        return Optional.of(CellType.DELETE);
      case DeleteColumn:
        return Optional.of(CellType.DELETE_COLUMN);
      case DeleteFamily:
        return Optional.of(CellType.DELETE_FAMILY);
      case DeleteFamilyVersion:
        return Optional.of(CellType.DELETE_FAMILY_VERSION);
      default:
        return Optional.empty();
    }
  }
}
