package io.rewind.producer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

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
  private final Map<String, ArrayDeque<Long>> recentTimestamps = new HashMap<>();
  private long valueCounter;

  /** @param marginMs appends run out of write-time order by less than this */
  Workload(long seed, List<SimTable> tables, long marginMs) {
    this.rng = new Random(seed);
    this.tables = tables;
    this.maxJitterMs = marginMs * 4 / 5;
  }

  /**
   * How far an entry's write time lies before its slot: write times are taken before the append,
   * so concurrent handlers append out of write-time order, always within the margin.
   */
  long nextJitter() {
    if (maxJitterMs <= 0 || rng.nextInt(100) >= 15) {
      return 0;
    }
    return 1 + (long) rng.nextInt((int) Math.min(Integer.MAX_VALUE, maxJitterMs));
  }

  /** The next entry, of at most {@code maxRows} rows of one region, written at {@code writeTime}. */
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
      rowCells(table, SimTable.rowKey(r), writeTime, cells);
    }
    return new Planned(region, cells, rows);
  }

  private void rowCells(SimTable table, byte[] row, long wt, List<WalCell> out) {
    byte[] family = table.families().get(rng.nextInt(table.families().size()));
    int kind = rng.nextInt(100);
    if (kind < 55) {
      Set<String> written = new HashSet<>();
      int n = 1 + rng.nextInt(3);
      for (int i = 0; i < n; i++) {
        byte[] q = SimTable.qualifier(rng.nextInt(SimTable.QUALIFIERS));
        long ts = putTimestamp(table, row, family, q, wt);
        // One entry never holds two puts of one cell and timestamp: they would share a sequence id.
        if (written.add(new String(q, StandardCharsets.UTF_8) + "@" + ts)) {
          out.add(WalCell.put(row, family, q, ts, value()));
          remember(table, row, family, q, ts);
        }
      }
    } else if (kind < 63) {
      byte[] q = SimTable.qualifier(rng.nextInt(SimTable.QUALIFIERS));
      long ts = putTimestamp(table, row, family, q, wt);
      out.add(WalCell.put(row, family, q, ts, value()));
      out.add(rng.nextBoolean() ? WalCell.delete(row, family, q, ts) : WalCell.deleteColumn(row, family, q, ts));
      remember(table, row, family, q, ts);
    } else if (kind < 73) {
      byte[] q = SimTable.qualifier(rng.nextInt(SimTable.QUALIFIERS));
      out.add(WalCell.delete(row, family, q, known(table, row, family, q, wt)));
    } else if (kind < 83) {
      byte[] q = SimTable.qualifier(rng.nextInt(SimTable.QUALIFIERS));
      long ts = rng.nextInt(100) < 75 ? wt : known(table, row, family, q, wt - 1 - rng.nextInt(5000));
      out.add(WalCell.deleteColumn(row, family, q, ts));
      remember(table, row, family, q, ts);
    } else if (kind < 91) {
      long ts = rng.nextInt(100) < 75 ? wt : known(table, row, family, SimTable.qualifier(rng.nextInt(SimTable.QUALIFIERS)), wt - 1 - rng.nextInt(5000));
      out.add(WalCell.deleteFamily(row, family, ts));
    } else {
      out.add(WalCell.deleteFamilyVersion(row, family, known(table, row, family, SimTable.qualifier(rng.nextInt(SimTable.QUALIFIERS)), wt)));
    }
  }

  /** Usually the write time (an implicit timestamp); sometimes explicit: older, newer, or one the cell already has. */
  private long putTimestamp(SimTable table, byte[] row, byte[] family, byte[] q, long wt) {
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
    return known(table, row, family, q, wt);
  }

  private long known(SimTable table, byte[] row, byte[] family, byte[] q, long fallback) {
    ArrayDeque<Long> recent = recentTimestamps.get(key(table, row, family, q));
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

  private void remember(SimTable table, byte[] row, byte[] family, byte[] q, long ts) {
    ArrayDeque<Long> recent = recentTimestamps.computeIfAbsent(key(table, row, family, q), k -> new ArrayDeque<>());
    if (recent.contains(ts)) {
      return;
    }
    if (recent.size() == RECENT_TIMESTAMPS) {
      recent.removeFirst();
    }
    recent.addLast(ts);
  }

  private byte[] value() {
    long n = valueCounter++;
    if (rng.nextInt(100) < 3) {
      byte[] big = new byte[256 + rng.nextInt(3840)];
      rng.nextBytes(big);
      return big;
    }
    return ("v" + n).getBytes(StandardCharsets.UTF_8);
  }

  private static String key(SimTable table, byte[] row, byte[] family, byte[] q) {
    return table.name() + '\u0000' + new String(row, StandardCharsets.UTF_8) + '\u0000'
        + new String(family, StandardCharsets.UTF_8) + '\u0000' + new String(q, StandardCharsets.UTF_8);
  }
}
