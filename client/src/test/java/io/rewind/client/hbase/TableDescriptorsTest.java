package io.rewind.client.hbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.TableDescriptor;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.KeepDeletedCells;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.regionserver.BloomType;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

class TableDescriptorsTest {

  private static final ColumnFamilyDescriptor FAMILY =
      ColumnFamilyDescriptorBuilder.newBuilder(Bytes.toBytes("d"))
          .setMaxVersions(7)
          .setMinVersions(2)
          .setTimeToLive(86_400)
          .setKeepDeletedCells(KeepDeletedCells.TTL)
          .setCompressionType(Compression.Algorithm.GZ)
          .setBloomFilterType(BloomType.ROWCOL)
          .setBlocksize(16_384)
          .setInMemory(true)
          .setScope(HConstants.REPLICATION_SCOPE_GLOBAL)
          .setConfiguration("hbase.hstore.blockingStoreFiles", "40")
          .build();

  @Test
  void aFamilysSettingsSurviveTheTripThroughAvroButReplicationIsOff() {
    TableDescriptor avro =
        TableDescriptors.toAvro(
            TableDescriptorBuilder.newBuilder(TableName.valueOf("ns", "orders"))
                .setColumnFamily(FAMILY)
                .build(),
            1_000);
    assertThat(avro.getTable()).isEqualTo("ns:orders");
    assertThat(avro.getUpdatedAt()).isEqualTo(1_000);

    ColumnFamilyDescriptor back =
        TableDescriptors.toHBase(TableName.valueOf("restored"), avro)
            .getColumnFamily(Bytes.toBytes("d"));
    assertThat(back.getMaxVersions()).isEqualTo(7);
    assertThat(back.getMinVersions()).isEqualTo(2);
    assertThat(back.getTimeToLive()).isEqualTo(86_400);
    assertThat(back.getKeepDeletedCells()).isEqualTo(KeepDeletedCells.TTL);
    assertThat(back.getCompressionType()).isEqualTo(Compression.Algorithm.GZ);
    assertThat(back.getBloomFilterType()).isEqualTo(BloomType.ROWCOL);
    assertThat(back.getBlocksize()).isEqualTo(16_384);
    assertThat(back.isInMemory()).isTrue();
    assertThat(back.getConfigurationValue("hbase.hstore.blockingStoreFiles")).isEqualTo("40");
    assertThat(back.getScope())
        .as("a restored table is never backed up again by accident")
        .isEqualTo(HConstants.REPLICATION_SCOPE_LOCAL);
  }

  @Test
  void theDefaultNamespaceIsSpelledOut() {
    assertThat(TableDescriptors.tableName(TableName.valueOf("orders"))).isEqualTo("default:orders");
  }

  @Test
  void descriptorsReadAtDifferentTimesHaveTheSameContent() {
    org.apache.hadoop.hbase.client.TableDescriptor d =
        TableDescriptorBuilder.newBuilder(TableName.valueOf("t")).setColumnFamily(FAMILY).build();
    assertThat(
            TableDescriptors.sameContent(
                TableDescriptors.toAvro(d, 1), TableDescriptors.toAvro(d, 2)))
        .isTrue();
    assertThat(TableDescriptors.sameContent(TableDescriptors.toAvro(d, 1), null)).isFalse();
  }
}
