package io.rewind.cli;

import io.rewind.client.time.TimeParser;
import io.rewind.store.dump.DumpCell;
import io.rewind.testkit.hbase.HBaseWorkload;
import io.rewind.testkit.hbase.SnapshotOracle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;

/**
 * `rewind restore` into the oracle's mini cluster, and the comparison with HBase's snapshots at T.
 */
final class OracleRestores {

  private OracleRestores() {}

  /** What one restore's comparison found. */
  record Comparison(List<String> mismatches, long cellsCompared) {}

  /**
   * Restores the tables as of T into {@code targetNamespace} (same qualifiers) with `rewind
   * restore`.
   */
  static CliRun.Result restore(
      String storeUri,
      String zookeeper,
      long t,
      List<String> tables,
      String targetNamespace,
      String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore",
                "--store",
                storeUri,
                "--to",
                String.valueOf(t),
                "--hbase-zk",
                zookeeper,
                "--hbase-conf",
                "hbase.client.pause=20",
                "--parallelism",
                "2",
                "--map",
                tables.stream()
                    .map(s -> s + "=" + targetNamespace + ":" + qualifier(s))
                    .collect(Collectors.joining(","))));
    args.addAll(List.of(extra));
    return CliRun.run(args.toArray(new String[0]));
  }

  /**
   * Clones the pause's snapshots into namespace {@code "s" + restoredNamespace} and compares each
   * restored table with its clone, cell for cell, all versions.
   */
  static Comparison compare(
      Connection conn, HBaseWorkload.Pause p, List<String> tables, String restoredNamespace)
      throws IOException {
    Map<String, TableName> scratch = new LinkedHashMap<>();
    for (String source : tables) {
      scratch.put(
          p.snapshots().get(source), TableName.valueOf("s" + restoredNamespace, qualifier(source)));
    }
    SnapshotOracle.cloneSnapshots(conn, scratch);
    List<String> mismatches = new ArrayList<>();
    long cells = 0;
    for (String source : tables) {
      List<DumpCell> expected = SnapshotOracle.cells(conn, scratch.get(p.snapshots().get(source)));
      List<DumpCell> restored =
          SnapshotOracle.cells(conn, TableName.valueOf(restoredNamespace, qualifier(source)));
      cells += expected.size();
      String diff = SnapshotOracle.firstDifference(expected, restored);
      if (diff != null) {
        mismatches.add(
            "T="
                + TimeParser.format(p.time())
                + " (pause "
                + p.index()
                + ") "
                + source
                + ": "
                + diff);
      }
    }
    return new Comparison(mismatches, cells);
  }

  static String qualifier(String table) {
    return table.substring(table.indexOf(':') + 1);
  }
}
