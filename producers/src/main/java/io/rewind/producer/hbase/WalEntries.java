package io.rewind.producer.hbase;

import io.rewind.client.hbase.CellTypes;
import io.rewind.client.hbase.TableDescriptors;
import io.rewind.producer.WalCell;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.CellType;
import io.rewind.schemas.QueueId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.shaded.protobuf.generated.WALProtos.BulkLoadDescriptor;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.hadoop.hbase.wal.WAL;
import org.apache.hadoop.hbase.wal.WALEdit;
import org.apache.hadoop.hbase.wal.WALKeyImpl;

/** HBase's WAL entries as Rewind's plain {@link WalEntry}s. */
final class WalEntries {

  private WalEntries() {}

  /** A replication marker written by HBase's marker chore: a progress signal, never an edit. */
  static boolean isMarker(WAL.Entry entry) {
    return WALEdit.isReplicationMarkerEdit(entry.getEdit());
  }

  /**
   * The entry's data cells with the WALKey's write time and sequence id; null when it holds none
   * (only WAL meta cells: flush, compaction, region event or bulk-load markers).
   */
  static WalEntry toWalEntry(WAL.Entry entry, QueueId queue) {
    WALKeyImpl key = entry.getKey();
    List<WalCell> cells = new ArrayList<>(entry.getEdit().size());
    for (Cell c : entry.getEdit().getCells()) {
      if (WALEdit.isMetaEditFamily(c)) {
        continue;
      }
      cells.add(
          new WalCell(
              CellUtil.cloneRow(c),
              CellUtil.cloneFamily(c),
              CellUtil.cloneQualifier(c),
              c.getTimestamp(),
              typeOf(c),
              CellUtil.cloneValue(c)));
    }
    if (cells.isEmpty()) {
      return null;
    }
    return new WalEntry(
        TableDescriptors.tableName(key.getTableName()),
        Bytes.toString(key.getEncodedRegionName()),
        key.getWriteTime(),
        key.getSequenceId(),
        queue,
        cells);
  }

  /**
   * True when the cell is a bulk-load marker: the loaded files are not in the WAL, only their
   * names.
   */
  static boolean isBulkLoad(Cell c) {
    return CellUtil.matchingColumn(c, WALEdit.METAFAMILY, WALEdit.BULK_LOAD);
  }

  /** The bulk loads the entry's markers describe (HBase writes one per load). */
  static List<BulkLoadDescriptor> bulkLoads(WAL.Entry entry) throws IOException {
    List<BulkLoadDescriptor> loads = new ArrayList<>();
    for (Cell c : entry.getEdit().getCells()) {
      if (isBulkLoad(c)) {
        loads.add(WALEdit.getBulkLoadDescriptor(c));
      }
    }
    return loads;
  }

  static CellType typeOf(Cell c) {
    return CellTypes.toAvro(c.getType())
        .orElseThrow(
            () ->
                new IllegalArgumentException("WAL cell of unknown type " + c.getType() + ": " + c));
  }
}
