package io.rewind.restore;

import io.rewind.client.hbase.TableDescriptors;
import io.rewind.schemas.TableDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceNotFoundException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/**
 * Target tables of an HBase restore: created from the archived descriptors, checked for emptiness.
 */
final class HBaseTables {

  private HBaseTables() {}

  /** Creates the namespace (if missing) and the table, pre-split at the archived split keys. */
  static void create(Admin admin, TableName target, TableDescriptor archived) throws IOException {
    try {
      admin.getNamespaceDescriptor(target.getNamespaceAsString());
    } catch (NamespaceNotFoundException e) {
      admin.createNamespace(NamespaceDescriptor.create(target.getNamespaceAsString()).build());
    }
    List<byte[]> splits = new ArrayList<>();
    for (ByteBuffer b : archived.getSplitKeys()) {
      byte[] k = new byte[b.remaining()];
      b.duplicate().get(k);
      splits.add(k);
    }
    if (splits.isEmpty()) {
      admin.createTable(TableDescriptors.toHBase(target, archived));
    } else {
      admin.createTable(TableDescriptors.toHBase(target, archived), splits.toArray(new byte[0][]));
    }
  }

  /** True when the table holds any cell, delete markers included. */
  static boolean hasCells(Connection connection, TableName table) throws IOException {
    try (Table t = connection.getTable(table);
        ResultScanner scanner = t.getScanner(new Scan().setRaw(true).setLimit(1).setCaching(1))) {
      return scanner.next() != null;
    }
  }
}
