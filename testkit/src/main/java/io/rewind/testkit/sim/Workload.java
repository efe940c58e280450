package io.rewind.testkit.sim;

import io.rewind.producer.WalCell;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The seeded source of the simulator's writes: which table, region and rows each entry touches and
 * what cells it carries. Pure: the same seed and the same sequence of calls give the same entries
 * (timestamps relative to the write times passed in).
 *
 * <p>Rows get puts of several versions (the cell timestamp usually the write time, sometimes an
 * explicit older or newer one, sometimes one already used by the cell, so puts tie with puts and
 * delete markers) and every delete type; a put and a delete of the same timestamp sometimes share
 * an entry.
 */
final class Workload {

  private static final int RECENT_TIMESTAMPS = 4;
  private static final long MAX_ROWS = 1L << 31;
  private static final long MAX_FAMILIES = 16;

  /** One planned WAL entry. */
  static final class Planned {
    final SimRegion region;
    final List<WalCell> cells;
    final int rows;

    Planned(SimRegion region, List<WalCell> cells, int rows) {
      this.region = region;
      this.cells = cells;
      this.rows = rows;
    }
  }

  private final Random rng;
  private final List<SimTable> tables;
  private final long maxJitterMs;
  private final Map<Long, ArrayDeque<Long>> recentTimestamps = new HashMap<>();
  private final Map<SimTable, Integer> tableIndex = new HashMap<>();
  private final CellValues values;
  private long valueCounter;

  /**
   * @param marginMs appends run out of write-time order by less than this
   */
  Workload(long seed, List<SimTable> tables, long marginMs) {
    this(seed, tables, marginMs, CellValues.REALISTIC);
  }

  Workload(long seed, List<SimTable> tables, long marginMs, CellValues values) {
    this.rng = new Random(seed);
    this.values = values;
    this.tables = tables;
    this.maxJitterMs = marginMs * 4 / 5;
  }

  /**
   * How far an entry's write time lies before its slot: write times are taken before the append, so
   * concurrent handlers append out of write-time order, always within the margin.
   */
  long nextJitter() {
    if (maxJitterMs <= 0 || rng.nextInt(100) >= 15) {
      return 0;
    }
    return 1 + (long) rng.nextInt((int) Math.min(Integer.MAX_VALUE, maxJitterMs));
  }

  /**
   * The next entry, of at most {@code maxRows} rows of one region, written at {@code writeTime}.
   */
  Planned next(long writeTime, int maxRows) {
    SimTable table = tables.get(rng.nextInt(tables.size()));
    int first = rng.nextInt(table.rows());
    SimRegion region = table.regionOf(first);
    int rows = 1;
    if (maxRows > 1 && rng.nextInt(100) < 20) {
      rows = Math.min(2 + rng.nextInt(2), Math.min(maxRows, region.endRow() - region.startRow()));
    }
    List<Integer> picked = new ArrayList<>();
    picked.add(first);
    while (picked.size() < rows) {
      int r = region.startRow() + rng.nextInt(region.endRow() - region.startRow());
      if (!picked.contains(r)) {
        picked.add(r);
      }
    }
    List<WalCell> cells = new ArrayList<>();
    for (int r : picked) {
      rowCells(table, r, writeTime, cells);
    }
    return new Planned(region, cells, rows);
  }

  private void rowCells(SimTable table, int rowIndex, long wt, List<WalCell> out) {
    byte[] row = SimTable.rowKey(rowIndex);
    int f = rng.nextInt(table.families().size());
    byte[] family = table.families().get(f);
    long cellBase = cellBase(table, rowIndex, f);
    int kind = rng.nextInt(100);
    if (kind < 55) {
      int n = 1 + rng.nextInt(3);
      List<Long> written = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int q = rng.nextInt(SimTable.QUALIFIERS);
        long ts = putTimestamp(cellBase + q, wt);
        // One entry never holds two puts of one cell and timestamp: they would share a sequence id.
        if (!contains(written, q, ts)) {
          written.add((long) q);
          written.add(ts);
          out.add(WalCell.put(row, family, SimTable.qualifier(q), ts, value()));
          remember(cellBase + q, ts);
        }
      }
    } else if (kind < 63) {
      int q = rng.nextInt(SimTable.QUALIFIERS);
      long ts = putTimestamp(cellBase + q, wt);
      out.add(WalCell.put(row, family, SimTable.qualifier(q), ts, value()));
      out.add(
          rng.nextBoolean()
              ? WalCell.delete(row, family, SimTable.qualifier(q), ts)
              : WalCell.deleteColumn(row, family, SimTable.qualifier(q), ts));
      remember(cellBase + q, ts);
    } else if (kind < 73) {
      int q = rng.nextInt(SimTable.QUALIFIERS);
      out.add(WalCell.delete(row, family, SimTable.qualifier(q), known(cellBase + q, wt)));
    } else if (kind < 83) {
      int q = rng.nextInt(SimTable.QUALIFIERS);
      long ts = rng.nextInt(100) < 75 ? wt : known(cellBase + q, wt - 1 - rng.nextInt(5000));
      out.add(WalCell.deleteColumn(row, family, SimTable.qualifier(q), ts));
      remember(cellBase + q, ts);
    } else if (kind < 91) {
      long ts =
          rng.nextInt(100) < 75
              ? wt
              : known(cellBase + rng.nextInt(SimTable.QUALIFIERS), wt - 1 - rng.nextInt(5000));
      out.add(WalCell.deleteFamily(row, family, ts));
    } else {
      out.add(
          WalCell.deleteFamilyVersion(
              row, family, known(cellBase + rng.nextInt(SimTable.QUALIFIERS), wt)));
    }
  }

  private static boolean contains(List<Long> qualifierTimestampPairs, int q, long ts) {
    for (int i = 0; i < qualifierTimestampPairs.size(); i += 2) {
      if (qualifierTimestampPairs.get(i) == q && qualifierTimestampPairs.get(i + 1) == ts) {
        return true;
      }
    }
    return false;
  }

  /**
   * Usually the write time (an implicit timestamp); sometimes explicit: older, newer, or one the
   * cell already has.
   */
  private long putTimestamp(long cell, long wt) {
    int r = rng.nextInt(100);
    if (r < 78) {
      return wt;
    }
    if (r < 86) {
      return wt - 1 - rng.nextInt(5000);
    }
    if (r < 92) {
      return wt + 1 + rng.nextInt(3000);
    }
    return known(cell, wt);
  }

  private long known(long cell, long fallback) {
    ArrayDeque<Long> recent = recentTimestamps.get(cell);
    if (recent == null || recent.isEmpty()) {
      return fallback;
    }
    int pick = rng.nextInt(recent.size());
    for (long ts : recent) {
      if (pick-- == 0) {
        return ts;
      }
    }
    return fallback;
  }

  private void remember(long cell, long ts) {
    ArrayDeque<Long> recent = recentTimestamps.computeIfAbsent(cell, k -> new ArrayDeque<>());
    if (recent.contains(ts)) {
      return;
    }
    if (recent.size() == RECENT_TIMESTAMPS) {
      recent.removeFirst();
    }
    recent.addLast(ts);
  }

  private byte[] value() {
    return values.next(rng, valueCounter++);
  }

  /**
   * A cell's identity as a number (cheaper than a string key: this map is touched for most cells):
   * the first qualifier's; add the qualifier index for the others.
   */
  private long cellBase(SimTable table, int rowIndex, int familyIndex) {
    long t = tableIndex.computeIfAbsent(table, x -> tableIndex.size());
    return ((t * MAX_ROWS + rowIndex) * MAX_FAMILIES + familyIndex) * SimTable.QUALIFIERS;
  }
}
