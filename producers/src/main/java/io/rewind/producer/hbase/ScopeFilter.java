package io.rewind.producer.hbase;

import java.util.NavigableMap;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.replication.ScopeWALEntryFilter;
import org.apache.hadoop.hbase.replication.WALCellFilter;
import org.apache.hadoop.hbase.replication.WALEntryFilter;
import org.apache.hadoop.hbase.wal.WAL;

/**
 * HBase's {@link ScopeWALEntryFilter} (cells of families with replication scope 1 only), except for
 * bulk-load markers whose entry has no scopes at all: HBase clears them when bulk-load replication
 * is off, and would drop the marker. Letting it through tells the endpoint that a bulk load
 * happened that it cannot capture, so `rewind status` can say so; with bulk-load replication on,
 * markers keep their scopes and HBase's rules apply (stores of families not replicated are removed
 * from the marker).
 */
final class ScopeFilter implements WALEntryFilter, WALCellFilter {

  private final ScopeWALEntryFilter hbase = new ScopeWALEntryFilter();
  private final boolean bulkLoadReplication;

  /**
   * @param bulkLoadReplication whether HBase's bulk-load replication is on: then an unscoped marker
   *     is one of a table no family of which is replicated, and HBase's rule drops it
   */
  ScopeFilter(boolean bulkLoadReplication) {
    this.bulkLoadReplication = bulkLoadReplication;
  }

  @Override
  public WAL.Entry filter(WAL.Entry entry) {
    if (!bulkLoadReplication
        && unscoped(entry)
        && entry.getEdit().getCells().stream().anyMatch(WalEntries::isBulkLoad)) {
      return entry;
    }
    return hbase.filter(entry);
  }

  @Override
  public Cell filterCell(WAL.Entry entry, Cell cell) {
    if (!bulkLoadReplication && unscoped(entry) && WalEntries.isBulkLoad(cell)) {
      return cell;
    }
    return hbase.filterCell(entry, cell);
  }

  private static boolean unscoped(WAL.Entry entry) {
    NavigableMap<byte[], Integer> scopes = entry.getKey().getReplicationScopes();
    return scopes == null || scopes.isEmpty();
  }
}
