package io.rewind.producer.hbase;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.util.Bytes;

/** HBase table descriptors as the Avro {@link TableDescriptor} the {@code tables} topic carries. */
public final class TableDescriptors {

  private TableDescriptors() {}

  public static TableDescriptor toAvro(org.apache.hadoop.hbase.client.TableDescriptor d, long readTime) {
    List<FamilyDescriptor> families = new ArrayList<>();
    for (ColumnFamilyDescriptor f : d.getColumnFamilies()) {
      families.add(
          FamilyDescriptor.newBuilder()
              .setName(f.getNameAsString())
              .setMaxVersions(f.getMaxVersions())
              .setMinVersions(f.getMinVersions())
              .setTtlSeconds(f.getTimeToLive())
              .setKeepDeletedCells(f.getKeepDeletedCells().name())
              .setCompression(f.getCompressionType().name())
              .setBloomFilter(f.getBloomFilterType().name())
              .setBlockSize(f.getBlocksize())
              .setInMemory(f.isInMemory())
              .setReplicationScope(f.getScope())
              .setConfiguration(new TreeMap<>(f.getConfiguration()))
              .build());
    }
    Map<String, String> values = new TreeMap<>();
    d.getValues().forEach((k, v) -> values.put(Bytes.toString(k.get(), k.getOffset(), k.getLength()), Bytes.toString(v.get(), v.getOffset(), v.getLength())));
    return TableDescriptor.newBuilder()
        .setTable(WalEntries.tableName(d.getTableName()))
        .setFamilies(families)
        .setConfiguration(values)
        .setUpdatedAt(readTime)
        .build();
  }

  /** Equal apart from when they were read. */
  static boolean sameContent(TableDescriptor a, TableDescriptor b) {
    return a != null && b != null && a.getTable().equals(b.getTable()) && a.getFamilies().equals(b.getFamilies())
        && a.getConfiguration().equals(b.getConfiguration()) && a.getSplitKeys().equals(b.getSplitKeys());
  }
}
