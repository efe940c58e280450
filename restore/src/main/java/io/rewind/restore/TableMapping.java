package io.rewind.restore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which target table each restored source table goes to. By default the same table name in the
 * {@code restored} namespace ({@code ns:orders} -> {@code restored:orders}); when two sources share
 * a name in different namespaces, each is prefixed by its namespace ({@code restored:ns_orders}).
 * {@code --map ns:t=ns2:t2} overrides. Two sources never share a target. Pure.
 */
public final class TableMapping {

  public static final String DEFAULT_NAMESPACE = "restored";

  private final Map<String, String> targets;

  private TableMapping(Map<String, String> targets) {
    this.targets = Collections.unmodifiableMap(targets);
  }

  /**
   * @param sources the tables being restored, {@code namespace:qualifier}
   * @param explicit source -> target pairs from {@code --map}
   */
  public static TableMapping of(Collection<String> sources, Map<String, String> explicit) {
    for (String source : explicit.keySet()) {
      if (!sources.contains(source)) {
        throw new RestoreRefusedException(
            "--map names "
                + source
                + ", which is not among the tables being restored "
                + sources
                + ": check the spelling (namespace:table)");
      }
    }
    Map<String, Integer> qualifierCount = new HashMap<>();
    for (String s : sources) {
      if (!explicit.containsKey(s)) {
        qualifierCount.merge(qualifier(s), 1, Integer::sum);
      }
    }
    Map<String, String> targets = new TreeMap<>();
    for (String s : sources) {
      String target = explicit.get(s);
      if (target == null) {
        target =
            qualifierCount.get(qualifier(s)) > 1
                ? DEFAULT_NAMESPACE + ":" + namespace(s) + "_" + qualifier(s)
                : DEFAULT_NAMESPACE + ":" + qualifier(s);
      } else if (!target.contains(":")) {
        target = "default:" + target;
      }
      targets.put(s, target);
    }
    Map<String, List<String>> byTarget = new TreeMap<>();
    targets.forEach((s, t) -> byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(s));
    byTarget.forEach(
        (t, ss) -> {
          if (ss.size() > 1) {
            throw new RestoreRefusedException(
                "tables "
                    + String.join(" and ", ss)
                    + " would both be restored into "
                    + t
                    + ": give each its own target with --map source=target");
          }
        });
    return new TableMapping(targets);
  }

  /** Parses {@code --map} values {@code ns:t=ns2:t2}. */
  public static Map<String, String> parse(Collection<String> pairs) {
    Map<String, String> m = new TreeMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new RestoreRefusedException(
            "--map "
                + p
                + " is not of the form source=target, e.g. --map ns:orders=restored:orders_0905");
      }
      String source = p.substring(0, eq).trim();
      m.put(source.contains(":") ? source : "default:" + source, p.substring(eq + 1).trim());
    }
    return m;
  }

  public String target(String source) {
    String t = targets.get(source);
    if (t == null) {
      throw new IllegalArgumentException(
          "no target for table " + source + ": it was not among the tables being restored");
    }
    return t;
  }

  /** source -> target, sorted by source. */
  public Map<String, String> targets() {
    return targets;
  }

  private static String namespace(String table) {
    int colon = table.indexOf(':');
    return colon < 0 ? "default" : table.substring(0, colon);
  }

  private static String qualifier(String table) {
    int colon = table.indexOf(':');
    return colon < 0 ? table : table.substring(colon + 1);
  }
}
