package io.rewind.testkit.sim;

import io.rewind.producer.WalCell;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.CellType;
import io.rewind.store.dump.DumpCell;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The oracle of the simulated workload: every edit the workload wrote (not what was shipped: a
 * re-shipped entry is the same edit) and the state of a table at a time T with HBase's semantics.
 *
 * <ul>
 *   <li>every edit with write time &lt;= T is applied (T inclusive);
 *   <li>DeleteColumn and DeleteFamily mask the versions at or below their timestamp; Delete and
 *       DeleteFamilyVersion mask exactly their timestamp; masks apply whatever the write order (a
 *       delete marker also masks an older-timestamped put written after it, as in HBase until a
 *       major compaction);
 *   <li>a put and a delete marker with the same timestamp: the delete wins;
 *   <li>two puts of one cell and timestamp: the higher sequence id wins;
 *   <li>every visible version is kept.
 * </ul>
 *
 * Written independently of the restore's replay on purpose: the two must agree without sharing
 * code. Thread-safe.
 */
public final class ExpectedState {

  private final Set<String> tables = new TreeSet<>();
  private final Map<String, List<RowEdit>> editsByTable = new HashMap<>();
  private long firstWriteTime = Long.MAX_VALUE;
  private long lastWriteTime = Long.MIN_VALUE;
  private long editCount;

  public ExpectedState() {}

  /**
   * @param tables tables that exist even before their first edit
   */
  public ExpectedState(Collection<String> tables) {
    this.tables.addAll(tables);
  }

  /** Records an entry as written: one edit per row it touches. */
  public synchronized void record(WalEntry entry) {
    Map<ByteBuffer, List<WalCell>> rows = new LinkedHashMap<>();
    for (WalCell c : entry.cells()) {
      rows.computeIfAbsent(ByteBuffer.wrap(c.row()), r -> new ArrayList<>()).add(c);
    }
    List<RowEdit> edits = editsByTable.computeIfAbsent(entry.table(), t -> new ArrayList<>());
    tables.add(entry.table());
    for (Map.Entry<ByteBuffer, List<WalCell>> row : rows.entrySet()) {
      edits.add(new RowEdit(row.getKey(), entry.writeTime(), entry.sequenceId(), row.getValue()));
      editCount++;
    }
    firstWriteTime = Math.min(firstWriteTime, entry.writeTime());
    lastWriteTime = Math.max(lastWriteTime, entry.writeTime());
  }

  public synchronized Set<String> tables() {
    return Collections.unmodifiableSet(new TreeSet<>(tables));
  }

  /**
   * Every visible cell version of the table after applying every edit with write time <= t, sorted
   * by {@link DumpCell#ORDER}.
   */
  public List<DumpCell> cellsAt(String table, long t) {
    Map<ByteBuffer, RowState> rows = new HashMap<>();
    synchronized (this) {
      for (RowEdit e : editsByTable.getOrDefault(table, List.of())) {
        if (e.writeTime <= t) {
          rows.computeIfAbsent(e.row, r -> new RowState()).apply(e);
        }
      }
    }
    List<DumpCell> cells = new ArrayList<>();
    for (Map.Entry<ByteBuffer, RowState> row : rows.entrySet()) {
      row.getValue().visible(bytes(row.getKey()), cells);
    }
    cells.sort(DumpCell.ORDER);
    return cells;
  }

  /** The oldest write time recorded. */
  public synchronized long firstWriteTime() {
    requireEdits();
    return firstWriteTime;
  }

  /** The newest write time recorded. */
  public synchronized long lastWriteTime() {
    requireEdits();
    return lastWriteTime;
  }

  /**
   * Edits written: one per (WAL entry, row), as the edits topic carries them, duplicates not
   * counted.
   */
  public synchronized long editCount() {
    return editCount;
  }

  private void requireEdits() {
    if (editCount == 0) {
      throw new IllegalStateException(
          "no edit recorded yet: start the workload and wait for it before asking for write times");
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** The cells of one row from one entry. */
  private static final class RowEdit {
    final ByteBuffer row;
    final long writeTime;
    final long sequenceId;
    final List<WalCell> cells;

    RowEdit(ByteBuffer row, long writeTime, long sequenceId, List<WalCell> cells) {
      this.row = row;
      this.writeTime = writeTime;
      this.sequenceId = sequenceId;
      this.cells = cells;
    }
  }

  /** A (family, qualifier) pair, or a family alone (qualifier null). */
  private static final class Column {
    final ByteBuffer family;
    final ByteBuffer qualifier;

    Column(byte[] family, byte[] qualifier) {
      this.family = ByteBuffer.wrap(family);
      this.qualifier = qualifier == null ? null : ByteBuffer.wrap(qualifier);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Column)) {
        return false;
      }
      Column c = (Column) o;
      return family.equals(c.family) && Objects.equals(qualifier, c.qualifier);
    }

    @Override
    public int hashCode() {
      return Objects.hash(family, qualifier);
    }
  }

  /** A put version and the sequence id that wrote it. */
  private static final class Version {
    final long sequenceId;
    final byte[] value;

    Version(long sequenceId, byte[] value) {
      this.sequenceId = sequenceId;
      this.value = value;
    }
  }

  /**
   * One row's puts and delete markers; visibility is decided only when asked, so order of
   * application does not matter.
   */
  private static final class RowState {
    final Map<Column, TreeMap<Long, Version>> puts = new HashMap<>();
    final Map<Column, Long> deleteColumnUpTo = new HashMap<>();
    final Map<Column, Set<Long>> deleteVersionAt = new HashMap<>();
    final Map<Column, Long> deleteFamilyUpTo = new HashMap<>();
    final Map<Column, Set<Long>> deleteFamilyVersionAt = new HashMap<>();

    void apply(RowEdit e) {
      for (WalCell c : e.cells) {
        Column column = new Column(c.family(), c.qualifier());
        Column family = new Column(c.family(), null);
        CellType type = c.type();
        if (type == CellType.PUT) {
          TreeMap<Long, Version> versions = puts.computeIfAbsent(column, k -> new TreeMap<>());
          Version existing = versions.get(c.timestamp());
          // The later of two puts of one cell and timestamp wins, within one entry too (HBase's
          // memstore
          // replaces an equal key: KafkaBackupEndpointIntegrationTest); a re-shipped entry repeats
          // the same outcome.
          if (existing == null || existing.sequenceId <= e.sequenceId) {
            versions.put(c.timestamp(), new Version(e.sequenceId, c.value()));
          }
        } else if (type == CellType.DELETE) {
          deleteVersionAt.computeIfAbsent(column, k -> new HashSet<>()).add(c.timestamp());
        } else if (type == CellType.DELETE_COLUMN) {
          deleteColumnUpTo.merge(column, c.timestamp(), Math::max);
        } else if (type == CellType.DELETE_FAMILY) {
          deleteFamilyUpTo.merge(family, c.timestamp(), Math::max);
        } else if (type == CellType.DELETE_FAMILY_VERSION) {
          deleteFamilyVersionAt.computeIfAbsent(family, k -> new HashSet<>()).add(c.timestamp());
        } else {
          throw new IllegalArgumentException("unknown cell type " + type);
        }
      }
    }

    void visible(byte[] row, List<DumpCell> out) {
      for (Map.Entry<Column, TreeMap<Long, Version>> col : puts.entrySet()) {
        Column column = col.getKey();
        Column family = new Column(bytes(column.family), null);
        for (Map.Entry<Long, Version> v : col.getValue().entrySet()) {
          long ts = v.getKey();
          if (!masked(column, family, ts)) {
            out.add(
                new DumpCell(
                    row, bytes(column.family), bytes(column.qualifier), ts, v.getValue().value));
          }
        }
      }
    }

    private boolean masked(Column column, Column family, long ts) {
      Long upTo = deleteColumnUpTo.get(column);
      if (upTo != null && ts <= upTo) {
        return true;
      }
      upTo = deleteFamilyUpTo.get(family);
      if (upTo != null && ts <= upTo) {
        return true;
      }
      return deleteVersionAt.getOrDefault(column, Set.of()).contains(ts)
          || deleteFamilyVersionAt.getOrDefault(family, Set.of()).contains(ts);
    }
  }
}
