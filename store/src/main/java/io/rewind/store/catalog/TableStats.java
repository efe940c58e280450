package io.rewind.store.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.rewind.client.store.Manifest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One table's edits in a set of manifests: how many, and the earliest write time among them. */
@JsonPropertyOrder(alphabetic = true)
public final class TableStats {

  public long edits;

  /** The earliest write time of a manifest holding the table's edits, or null when none has one. */
  public Long minWriteTime;

  public TableStats() {}

  TableStats(long edits, Long minWriteTime) {
    this.edits = edits;
    this.minWriteTime = minWriteTime;
  }

  /** Adds another set's figures for the same table. */
  void add(TableStats other) {
    edits += other.edits;
    minWriteTime = min(minWriteTime, other.minWriteTime);
  }

  /** The per-table figures of the manifests; records without a table header count under "". */
  public static Map<String, TableStats> of(List<Manifest> manifests) {
    Map<String, TableStats> tables = new TreeMap<>();
    for (Manifest m : manifests) {
      m.tables.forEach(
          (table, count) ->
              tables
                  .computeIfAbsent(table, t -> new TableStats())
                  .add(new TableStats(count, m.minWriteTime)));
    }
    return tables;
  }

  /** Sums per-table figures into {@code into}. */
  static void addAll(Map<String, TableStats> into, Map<String, TableStats> from) {
    from.forEach((table, s) -> into.computeIfAbsent(table, t -> new TableStats()).add(s));
  }

  static Long min(Long a, Long b) {
    return a == null ? b : b == null ? a : Math.min(a, b);
  }

  static Long max(Long a, Long b) {
    return a == null ? b : b == null ? a : Math.max(a, b);
  }
}
