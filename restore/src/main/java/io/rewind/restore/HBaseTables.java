package io.rewind.restore;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.KeepDeletedCells;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceNotFoundException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.regionserver.BloomType;

/** Target tables of an HBase restore: created from the archived descriptors, checked for emptiness. */
final class HBaseTables {

  private HBaseTables() {}

  /**
   * The HBase descriptor of a restored table: the archived families with their settings, but
   * replication scope 0, so a restored table is never backed up again by accident.
   */
  static org.apache.hadoop.hbase.client.TableDescriptor descriptor(TableName target, TableDescriptor archived) {
    TableDescriptorBuilder b = TableDescriptorBuilder.newBuilder(target);
    for (FamilyDescriptor f : archived.getFamilies()) {
      b.setColumnFamily(family(f));
    }
    return b.build();
  }

  static ColumnFamilyDescriptor family(FamilyDescriptor f) {
    ColumnFamilyDescriptorBuilder b =
        ColumnFamilyDescriptorBuilder.newBuilder(f.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .setMaxVersions(f.getMaxVersions())
            .setMinVersions(f.getMinVersions())
            .setTimeToLive(f.getTtlSeconds())
            .setKeepDeletedCells(KeepDeletedCells.valueOf(f.getKeepDeletedCells()))
            .setCompressionType(Compression.Algorithm.valueOf(f.getCompression()))
            .setBloomFilterType(BloomType.valueOf(f.getBloomFilter()))
            .setBlocksize(f.getBlockSize())
            .setInMemory(f.getInMemory())
            .setScope(HConstants.REPLICATION_SCOPE_LOCAL);
    f.getConfiguration().forEach(b::setConfiguration);
    return b.build();
  }

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
      admin.createTable(descriptor(target, archived));
    } else {
      admin.createTable(descriptor(target, archived), splits.toArray(new byte[0][]));
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
