package io.rewind.restore;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.store.dump.DumpCell;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Pure: what an all-versions read of a row returns, given its visible cells (delete markers already
 * applied) and the families' settings: per column at most the family's VERSIONS, the newest first,
 * and none its TTL expired at {@code now}, except the newest MIN_VERSIONS, which HBase keeps
 * however old. A family without settings is read whole.
 */
final class ReadableCells {

  /** HBase's TTL of a family that keeps cells forever (HConstants.FOREVER). */
  private static final int FOREVER = Integer.MAX_VALUE;

  private ReadableCells() {}

  /**
   * @param cells one row's visible cells in {@link DumpCell#ORDER}
   */
  static List<DumpCell> of(List<DumpCell> cells, Map<String, FamilyDescriptor> families, long now) {
    if (families.isEmpty() || !limits(cells, families)) {
      return cells;
    }
    List<DumpCell> read = new ArrayList<>(cells.size());
    DumpCell columnStart = null;
    int versions = 0;
    FamilyDescriptor family = null;
    for (DumpCell c : cells) {
      if (columnStart == null || !sameColumn(columnStart, c)) {
        columnStart = c;
        versions = 0;
        family = families.get(new String(c.family(), StandardCharsets.UTF_8));
      }
      if (family == null) {
        read.add(c);
        continue;
      }
      boolean expired =
          family.getTtlSeconds() != FOREVER && c.timestamp() < now - family.getTtlSeconds() * 1000L;
      if (versions < family.getMaxVersions() && (!expired || versions < family.getMinVersions())) {
        read.add(c);
        versions++;
      }
    }
    return read;
  }

  /**
   * Whether some setting can hide a cell of the row: more cells than the fewest VERSIONS, or a TTL.
   */
  private static boolean limits(List<DumpCell> cells, Map<String, FamilyDescriptor> families) {
    for (FamilyDescriptor f : families.values()) {
      if (f.getTtlSeconds() != FOREVER || cells.size() > f.getMaxVersions()) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameColumn(DumpCell a, DumpCell b) {
    return Arrays.equals(a.family(), b.family()) && Arrays.equals(a.qualifier(), b.qualifier());
  }
}
