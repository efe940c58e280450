package io.rewind.restore;

import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.store.dump.DumpCell;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Built once per restored row, so it allocates little: the decoded edit's byte arrays are taken
 * as they are when they are exactly their buffer's content, and the delete structures exist only
 * for rows that have markers.
 */
final class RowImage {

  /** Cells of one edit checked pairwise for a repeated key; wider edits take the general path. */
  private static final int MAX_CELLS_COMPARED = 16;

  private final byte[] row;
  private final Map<CellKey, byte[]> puts = new HashMap<>(4);

  /** DeleteColumn: masks versions of (family, qualifier) at or below the timestamp. */
  private Map<CellKey, Long> columnDeletes;

  /** DeleteFamily: masks versions of every column of the family at or below the timestamp. */
  private Map<CellKey, Long> familyDeletes;

  /** Delete (one version): masks exactly (family, qualifier, timestamp). */
  private Set<CellKey> versionDeletes;

  /** DeleteFamilyVersion: masks exactly the timestamp in every column of the family. */
  private Set<CellKey> familyVersionDeletes;

  RowImage(byte[] row) {
    this.row = row;
  }

  void apply(Cell cell) {
    byte[] family = bytes(cell.getFamily());
    byte[] qualifier = bytes(cell.getQualifier());
    long ts = cell.getTimestamp();
    switch (cell.getType()) {
      case PUT:
        puts.put(new CellKey(family, qualifier, ts), bytes(cell.getValue()));
        break;
      case DELETE:
        if (versionDeletes == null) {
          versionDeletes = new HashSet<>();
        }
        versionDeletes.add(new CellKey(family, qualifier, ts));
        break;
      case DELETE_COLUMN:
        if (columnDeletes == null) {
          columnDeletes = new HashMap<>();
        }
        columnDeletes.merge(CellKey.column(family, qualifier), ts, Math::max);
        break;
      case DELETE_FAMILY:
        if (familyDeletes == null) {
          familyDeletes = new HashMap<>();
        }
        familyDeletes.merge(CellKey.family(family), ts, Math::max);
        break;
      case DELETE_FAMILY_VERSION:
        if (familyVersionDeletes == null) {
          familyVersionDeletes = new HashSet<>();
        }
        familyVersionDeletes.add(new CellKey(family, CellKey.NONE, ts));
        break;
      default:
        throw new IllegalArgumentException("unknown cell type " + cell.getType());
    }
  }

  /**
   * The row of a single edit holding only puts of distinct cells (the most common row of a
   * restore): every put wins and is visible, so no image is built. Null for any other edit.
   */
  static RestoredRow ofDistinctPuts(byte[] row, List<Cell> cells) {
    if (cells.size() > MAX_CELLS_COMPARED) {
      return null;
    }
    List<DumpCell> puts = new ArrayList<>(cells.size());
    for (Cell c : cells) {
      if (c.getType() != CellType.PUT) {
        return null;
      }
      DumpCell put =
          new DumpCell(
              row,
              bytes(c.getFamily()),
              bytes(c.getQualifier()),
              c.getTimestamp(),
              bytes(c.getValue()));
      for (DumpCell earlier : puts) {
        if (earlier.timestamp() == put.timestamp()
            && Arrays.equals(earlier.qualifier(), put.qualifier())
            && Arrays.equals(earlier.family(), put.family())) {
          return null;
        }
      }
      puts.add(put);
    }
    return new RestoredRow(row, puts, List.of(), puts);
  }

  /** The row for a target that writes mutations: winning puts, markers and the visible result. */
  RestoredRow toRestoredRow() {
    List<DumpCell> all = new ArrayList<>(puts.size());
    puts.forEach(
        (key, value) ->
            all.add(new DumpCell(row, key.family, key.qualifier, key.timestamp, value)));
    if (!hasMarkers()) {
      return new RestoredRow(row, all, List.of(), all);
    }
    List<DeleteMarker> markers = new ArrayList<>();
    if (familyDeletes != null) {
      familyDeletes.forEach(
          (f, ts) ->
              markers.add(new DeleteMarker(f.family, new byte[0], ts, CellType.DELETE_FAMILY)));
    }
    if (familyVersionDeletes != null) {
      familyVersionDeletes.forEach(
          fv ->
              markers.add(
                  new DeleteMarker(
                      fv.family, new byte[0], fv.timestamp, CellType.DELETE_FAMILY_VERSION)));
    }
    if (columnDeletes != null) {
      columnDeletes.forEach(
          (c, ts) ->
              markers.add(new DeleteMarker(c.family, c.qualifier, ts, CellType.DELETE_COLUMN)));
    }
    if (versionDeletes != null) {
      versionDeletes.forEach(
          k -> markers.add(new DeleteMarker(k.family, k.qualifier, k.timestamp, CellType.DELETE)));
    }
    return new RestoredRow(row, all, markers, visibleCells());
  }

  /** The versions a read with all versions would return. */
  List<DumpCell> visibleCells() {
    List<DumpCell> cells = new ArrayList<>(puts.size());
    boolean markers = hasMarkers();
    puts.forEach(
        (key, value) -> {
          if (!markers || !masked(key)) {
            cells.add(new DumpCell(row, key.family, key.qualifier, key.timestamp, value));
          }
        });
    return cells;
  }

  private boolean hasMarkers() {
    return familyDeletes != null
        || columnDeletes != null
        || versionDeletes != null
        || familyVersionDeletes != null;
  }

  private boolean masked(CellKey key) {
    Long family = familyDeletes == null ? null : familyDeletes.get(CellKey.family(key.family));
    if (family != null && key.timestamp <= family) {
      return true;
    }
    Long column =
        columnDeletes == null ? null : columnDeletes.get(CellKey.column(key.family, key.qualifier));
    if (column != null && key.timestamp <= column) {
      return true;
    }
    return (versionDeletes != null && versionDeletes.contains(key))
        || (familyVersionDeletes != null
            && familyVersionDeletes.contains(new CellKey(key.family, CellKey.NONE, key.timestamp)));
  }

  /**
   * The buffer's bytes: its backing array when that is exactly its content (as Avro decodes), else
   * a copy.
   */
  static byte[] bytes(ByteBuffer buffer) {
    if (buffer.hasArray()
        && buffer.arrayOffset() == 0
        && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /**
   * (family, qualifier, timestamp) with its hash computed once; column keys use timestamp 0 and
   * family keys also an empty qualifier, each kind in its own map.
   */
  private static final class CellKey {
    static final byte[] NONE = new byte[0];

    final byte[] family;
    final byte[] qualifier;
    final long timestamp;
    private final int hash;

    CellKey(byte[] family, byte[] qualifier, long timestamp) {
      this.family = family;
      this.qualifier = qualifier;
      this.timestamp = timestamp;
      this.hash =
          (Arrays.hashCode(family) * 31 + Arrays.hashCode(qualifier)) * 31
              + Long.hashCode(timestamp);
    }

    static CellKey column(byte[] family, byte[] qualifier) {
      return new CellKey(family, qualifier, 0);
    }

    static CellKey family(byte[] family) {
      return new CellKey(family, NONE, 0);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof CellKey)) {
        return false;
      }
      CellKey k = (CellKey) o;
      return k.hash == hash
          && k.timestamp == timestamp
          && Arrays.equals(k.family, family)
          && Arrays.equals(k.qualifier, qualifier);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
