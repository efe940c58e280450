package io.rewind.client.hbase;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.KeepDeletedCells;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.regionserver.BloomType;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * HBase table descriptors as the Avro {@link TableDescriptor} the {@code tables} topic carries, and
 * back: the endpoint, the master observer and bases write them, restores create tables from them.
 */
public final class TableDescriptors {

  private TableDescriptors() {}

  /**
   * {@code namespace:qualifier}, the default namespace spelled out, as every Rewind record names
   * tables.
   */
  public static String tableName(TableName table) {
    return table.getNamespaceAsString() + ":" + table.getQualifierAsString();
  }

  public static TableDescriptor toAvro(
      org.apache.hadoop.hbase.client.TableDescriptor d, long readTime) {
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
    d.getValues()
        .forEach(
            (k, v) ->
                values.put(
                    Bytes.toString(k.get(), k.getOffset(), k.getLength()),
                    Bytes.toString(v.get(), v.getOffset(), v.getLength())));
    return TableDescriptor.newBuilder()
        .setTable(tableName(d.getTableName()))
        .setFamilies(families)
        .setConfiguration(values)
        .setUpdatedAt(readTime)
        .build();
  }

  /**
   * The HBase descriptor of a restored table: the archived families with their settings, but
   * replication scope 0, so a restored table is never backed up again by accident.
   */
  public static org.apache.hadoop.hbase.client.TableDescriptor toHBase(
      TableName target, TableDescriptor archived) {
    TableDescriptorBuilder b = TableDescriptorBuilder.newBuilder(target);
    for (FamilyDescriptor f : archived.getFamilies()) {
      b.setColumnFamily(family(f));
    }
    return b.build();
  }

  private static ColumnFamilyDescriptor family(FamilyDescriptor f) {
    ColumnFamilyDescriptorBuilder b =
        ColumnFamilyDescriptorBuilder.newBuilder(f.getName().getBytes(StandardCharsets.UTF_8))
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

  /** Equal apart from when they were read. */
  public static boolean sameContent(TableDescriptor a, TableDescriptor b) {
    return a != null
        && b != null
        && a.getTable().equals(b.getTable())
        && a.getFamilies().equals(b.getFamilies())
        && a.getConfiguration().equals(b.getConfiguration())
        && a.getSplitKeys().equals(b.getSplitKeys());
  }
}
