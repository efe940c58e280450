package io.rewind.restore;

import io.rewind.schemas.CellType;
import io.rewind.store.dump.DumpCell;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Mutation;
import org.apache.hadoop.hbase.client.Put;

/**
 * A restored row as HBase mutations: one Put with every winning put at its original timestamp, and
 * one Delete with every marker at its original timestamp and type. Order does not matter (see
 * {@link RestoredRow}), so both may travel in one batch. Pure.
 */
final class HBaseMutations {

  private HBaseMutations() {}

  static List<Mutation> of(RestoredRow row) {
    List<Mutation> mutations = new ArrayList<>(2);
    if (!row.puts().isEmpty()) {
      Put put = new Put(row.row());
      for (DumpCell c : row.puts()) {
        put.addColumn(c.family(), c.qualifier(), c.timestamp(), c.value());
      }
      mutations.add(put);
    }
    if (!row.deleteMarkers().isEmpty()) {
      Delete delete = new Delete(row.row());
      // Delete.addFamily drops the markers already added for that family: family markers go first.
      List<DeleteMarker> markers = new ArrayList<>(row.deleteMarkers());
      markers.sort(Comparator.comparing((DeleteMarker m) -> m.type() != CellType.DELETE_FAMILY));
      for (DeleteMarker m : markers) {
        switch (m.type()) {
          case DELETE -> delete.addColumn(m.family(), m.qualifier(), m.timestamp());
          case DELETE_COLUMN -> delete.addColumns(m.family(), m.qualifier(), m.timestamp());
          case DELETE_FAMILY -> delete.addFamily(m.family(), m.timestamp());
          case DELETE_FAMILY_VERSION -> delete.addFamilyVersion(m.family(), m.timestamp());
          default -> throw new IllegalArgumentException("not a delete marker: " + m.type());
        }
      }
      mutations.add(delete);
    }
    return mutations;
  }
}
