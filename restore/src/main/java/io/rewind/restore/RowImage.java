package io.rewind.restore;

import io.rewind.core.dump.DumpCell;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row as HBase would hold it after the edits applied to it, in sequence-id order: puts keyed by
 * (family, qualifier, timestamp), a later put of the same key replacing an earlier one; delete
 * markers kept beside them and applied when the row is read, as HBase does, so that a marker also
 * masks a put with an older timestamp that arrives after it.
 */
final class RowImage {

  private final byte[] row;
  private final Map<CellKey, byte[]> puts = new HashMap<>();
  /** DeleteColumn: masks versions of (family, qualifier) at or below the timestamp. */
  private final Map<ColumnKey, Long> columnDeletes = new HashMap<>();
  /** DeleteFamily: masks versions of every column of the family at or below the timestamp. */
  private final Map<ByteBuffer, Long> familyDeletes = new HashMap<>();
  /** Delete (one version): masks exactly (family, qualifier, timestamp). */
  private final Set<CellKey> versionDeletes = new HashSet<>();
  /** DeleteFamilyVersion: masks exactly the timestamp in every column of the family. */
  private final Set<FamilyVersion> familyVersionDeletes = new HashSet<>();

  RowImage(byte[] row) {
    this.row = row;
  }

  void apply(Cell cell) {
    ByteBuffer family = ByteBuffer.wrap(bytes(cell.getFamily()));
    ByteBuffer qualifier = ByteBuffer.wrap(bytes(cell.getQualifier()));
    long ts = cell.getTimestamp();
    switch (cell.getType()) {
      case PUT:
        puts.put(new CellKey(family, qualifier, ts), bytes(cell.getValue()));
        break;
      case DELETE:
        versionDeletes.add(new CellKey(family, qualifier, ts));
        break;
      case DELETE_COLUMN:
        columnDeletes.merge(new ColumnKey(family, qualifier), ts, Math::max);
        break;
      case DELETE_FAMILY:
        familyDeletes.merge(family, ts, Math::max);
        break;
      case DELETE_FAMILY_VERSION:
        familyVersionDeletes.add(new FamilyVersion(family, ts));
        break;
      default:
        throw new IllegalArgumentException("unknown cell type " + cell.getType());
    }
  }

  /** The row for a target that writes mutations: winning puts, markers and the visible result. */
  RestoredRow toRestoredRow() {
    List<DumpCell> all = new ArrayList<>(puts.size());
    puts.forEach((key, value) -> all.add(new DumpCell(row, key.family.array(), key.qualifier.array(), key.timestamp, value)));
    List<DeleteMarker> markers = new ArrayList<>();
    familyDeletes.forEach((family, ts) -> markers.add(new DeleteMarker(family.array(), new byte[0], ts, CellType.DELETE_FAMILY)));
    familyVersionDeletes.forEach(fv -> markers.add(new DeleteMarker(fv.family.array(), new byte[0], fv.timestamp, CellType.DELETE_FAMILY_VERSION)));
    columnDeletes.forEach((c, ts) -> markers.add(new DeleteMarker(c.family.array(), c.qualifier.array(), ts, CellType.DELETE_COLUMN)));
    versionDeletes.forEach(k -> markers.add(new DeleteMarker(k.family.array(), k.qualifier.array(), k.timestamp, CellType.DELETE)));
    return new RestoredRow(row, all, markers, visibleCells());
  }

  /** The versions a read with all versions would return. */
  List<DumpCell> visibleCells() {
    List<DumpCell> cells = new ArrayList<>();
    puts.forEach(
        (key, value) -> {
          if (!masked(key)) {
            cells.add(new DumpCell(row, key.family.array(), key.qualifier.array(), key.timestamp, value));
          }
        });
    return cells;
  }

  private boolean masked(CellKey key) {
    Long family = familyDeletes.get(key.family);
    if (family != null && key.timestamp <= family) {
      return true;
    }
    Long column = columnDeletes.get(new ColumnKey(key.family, key.qualifier));
    if (column != null && key.timestamp <= column) {
      return true;
    }
    return versionDeletes.contains(key) || familyVersionDeletes.contains(new FamilyVersion(key.family, key.timestamp));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static final class CellKey {
    final ByteBuffer family;
    final ByteBuffer qualifier;
    final long timestamp;

    CellKey(ByteBuffer family, ByteBuffer qualifier, long timestamp) {
      this.family = family;
      this.qualifier = qualifier;
      this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CellKey
          && ((CellKey) o).timestamp == timestamp
          && ((CellKey) o).family.equals(family)
          && ((CellKey) o).qualifier.equals(qualifier);
    }

    @Override
    public int hashCode() {
      return (family.hashCode() * 31 + qualifier.hashCode()) * 31 + Long.hashCode(timestamp);
    }
  }

  private static final class ColumnKey {
    final ByteBuffer family;
    final ByteBuffer qualifier;

    ColumnKey(ByteBuffer family, ByteBuffer qualifier) {
      this.family = family;
      this.qualifier = qualifier;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ColumnKey && ((ColumnKey) o).family.equals(family) && ((ColumnKey) o).qualifier.equals(qualifier);
    }

    @Override
    public int hashCode() {
      return family.hashCode() * 31 + qualifier.hashCode();
    }
  }

  private static final class FamilyVersion {
    final ByteBuffer family;
    final long timestamp;

    FamilyVersion(ByteBuffer family, long timestamp) {
      this.family = family;
      this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FamilyVersion && ((FamilyVersion) o).timestamp == timestamp && ((FamilyVersion) o).family.equals(family);
    }

    @Override
    public int hashCode() {
      return family.hashCode() * 31 + Long.hashCode(timestamp);
    }
  }
}
