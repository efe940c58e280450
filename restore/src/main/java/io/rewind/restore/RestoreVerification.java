package io.rewind.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code --verify}: the cells each table should hold after the replay (the replay's own count)
 * against the cells read back from the target. Pure: the counts come in, the verdict goes out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RestoreVerification {

  /** One table's counts. */
  public static final class TableCount {
    public long expected;
    public long found;
    public boolean ok;

    /** Why the counts were not compared, when they were not. */
    public String note;
  }

  public boolean ok;
  public Map<String, TableCount> tables = new TreeMap<>();

  /**
   * @param expected cells per table the replay wrote (its visible cells)
   * @param found cells per table read back from the target
   */
  public static RestoreVerification compare(Map<String, Long> expected, Map<String, Long> found) {
    return compare(expected, found, Set.of());
  }

  /**
   * @param fromBase tables loaded from a base before the replay: they hold the base's cells too,
   *     which the replay did not count (the base's HFiles were checked against their SHA-256)
   */
  public static RestoreVerification compare(
      Map<String, Long> expected, Map<String, Long> found, Set<String> fromBase) {
    RestoreVerification v = new RestoreVerification();
    TreeSet<String> names = new TreeSet<>(expected.keySet());
    names.addAll(found.keySet());
    v.ok = true;
    for (String t : names) {
      TableCount c = new TableCount();
      c.expected = expected.getOrDefault(t, 0L);
      c.found = found.getOrDefault(t, 0L);
      if (fromBase.contains(t)) {
        c.ok = c.found >= 0;
        c.note =
            "loaded from a base (HFiles checked against their SHA-256), then the stream replayed: the count covers the"
                + " stream's cells only, not compared";
      } else {
        c.ok = c.expected == c.found;
      }
      v.ok &= c.ok;
      v.tables.put(t, c);
    }
    return v;
  }
}
