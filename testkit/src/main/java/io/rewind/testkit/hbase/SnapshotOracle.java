package io.rewind.testkit.hbase;

import io.rewind.store.dump.CellDump;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceNotFoundException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/**
 * HBase as the oracle of a restore: a snapshot taken at T, cloned into a scratch table, read with
 * every version, is the state at T; a restored table must read the same, cell for cell.
 */
public final class SnapshotOracle {

  private SnapshotOracle() {}

  /** Clones each snapshot into its scratch table (namespaces created if missing), all at once. */
  public static void cloneSnapshots(Connection connection, Map<String, TableName> scratchBySnapshot)
      throws IOException {
    try (Admin admin = connection.getAdmin()) {
      List<Future<Void>> clones = new ArrayList<>();
      for (Map.Entry<String, TableName> e : scratchBySnapshot.entrySet()) {
        String ns = e.getValue().getNamespaceAsString();
        try {
          admin.getNamespaceDescriptor(ns);
        } catch (NamespaceNotFoundException missing) {
          admin.createNamespace(NamespaceDescriptor.create(ns).build());
        }
        clones.add(admin.cloneSnapshotAsync(e.getKey(), e.getValue()));
      }
      for (Future<Void> f : clones) {
        f.get(5, TimeUnit.MINUTES);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "cloning snapshots " + scratchBySnapshot.keySet() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while cloning snapshots", e);
    }
  }

  /** Every version of every cell a read returns (no time range), in HBase order. */
  public static List<DumpCell> cells(Connection connection, TableName table) throws IOException {
    return cells(connection, table, new Scan().readAllVersions());
  }

  /**
   * Every version of every cell a read with time range [0, T+1) returns: the state at T where
   * timestamps are write times.
   */
  public static List<DumpCell> cellsUpTo(Connection connection, TableName table, long t)
      throws IOException {
    return cells(connection, table, new Scan().readAllVersions().setTimeRange(0, t + 1));
  }

  private static List<DumpCell> cells(Connection connection, TableName table, Scan scan)
      throws IOException {
    List<DumpCell> cells = new ArrayList<>();
    try (Table t = connection.getTable(table);
        ResultScanner scanner = t.getScanner(scan)) {
      for (Result r : scanner) {
        for (Cell c : r.rawCells()) {
          cells.add(
              new DumpCell(
                  CellUtil.cloneRow(c),
                  CellUtil.cloneFamily(c),
                  CellUtil.cloneQualifier(c),
                  c.getTimestamp(),
                  CellUtil.cloneValue(c)));
        }
      }
    }
    cells.sort(DumpCell.ORDER);
    return cells;
  }

  /** Null when equal; else the first difference, readable. */
  public static String firstDifference(List<DumpCell> expected, List<DumpCell> actual) {
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      String w = i < expected.size() ? CellDump.line(expected.get(i)) : "<no more cells>";
      String g = i < actual.size() ? CellDump.line(actual.get(i)) : "<no more cells>";
      if (!w.equals(g)) {
        return "cell "
            + i
            + ": restored "
            + abbreviate(g)
            + ", expected "
            + abbreviate(w)
            + " ("
            + actual.size()
            + " vs "
            + expected.size()
            + " cells)";
      }
    }
    return null;
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
