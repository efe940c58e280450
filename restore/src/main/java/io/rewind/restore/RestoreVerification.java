package io.rewind.restore;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
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
  }

  public boolean ok;
  public Map<String, TableCount> tables = new TreeMap<>();

  /**
   * @param expected cells per table the replay wrote (its visible cells)
   * @param found cells per table read back from the target
   */
  public static RestoreVerification compare(Map<String, Long> expected, Map<String, Long> found) {
    RestoreVerification v = new RestoreVerification();
    TreeSet<String> names = new TreeSet<>(expected.keySet());
    names.addAll(found.keySet());
    v.ok = true;
    for (String t : names) {
      TableCount c = new TableCount();
      c.expected = expected.getOrDefault(t, 0L);
      c.found = found.getOrDefault(t, 0L);
      c.ok = c.expected == c.found;
      v.ok &= c.ok;
      v.tables.put(t, c);
    }
    return v;
  }
}
