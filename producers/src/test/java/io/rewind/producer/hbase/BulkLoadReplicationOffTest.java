package io.rewind.producer.hbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.KeyValue;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.io.hfile.HFileContextBuilder;
import org.apache.hadoop.hbase.tool.BulkLoadHFiles;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With HBase's bulk-load replication off, HBase neither keeps bulk-loaded files for the peer nor
 * hands it their names (it clears the marker's scopes); the endpoint's scope filter still lets the
 * marker through, so a bulk load into a backed-up table is reported, with why and the fix, in a
 * BULK_LOAD marker that `rewind status` turns into an alert, and nothing is captured. A bulk load
 * into a table outside the backup says nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkLoadReplicationOffTest {

  private static final byte[] F = Bytes.toBytes("f");

  private EmbeddedStack stack;
  private HBaseMiniCluster hbase;

  @BeforeAll
  void start() throws Exception {
    stack =
        EmbeddedStack.builder()
            .editsPartitions(2)
            .withHBase(true)
            .hbaseRegionServers(1)
            .hbaseConfig("hbase.replication.bulkload.enabled", "false")
            .start();
    hbase = stack.hbase().orElseThrow();
    try (Admin admin = hbase.connection().getAdmin()) {
      admin.createNamespace(NamespaceDescriptor.create("off").build());
      for (String name : List.of("backedup", "outside")) {
        admin.createTable(
            TableDescriptorBuilder.newBuilder(TableName.valueOf("off", name))
                .setColumnFamily(
                    ColumnFamilyDescriptorBuilder.newBuilder(F)
                        .setScope(name.equals("backedup") ? 1 : 0)
                        .build())
                .build());
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aBulkLoadIntoABackedUpTableIsReportedWithTheFixAndNothingIsCaptured() throws Exception {
    bulkLoad(TableName.valueOf("off", "outside"));
    bulkLoad(TableName.valueOf("off", "backedup"));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(bulkLoadMarkers()).isNotEmpty());
    List<Marker> markers = bulkLoadMarkers();
    assertThat(markers)
        .allSatisfy(
            m ->
                assertThat(m.getReason())
                    .contains(
                        "bulk-load replication is off",
                        "hbase.replication.bulkload.enabled=true",
                        "rewind base --tables off:backedup"));
    try (ObjectStore store = ObjectStore.open(stack.config())) {
      assertThat(store.list("bulkloads")).as("nothing captured").isEmpty();
    }
  }

  /** Loads one HFile of two cells with HBase's bulk-load tool. */
  private void bulkLoad(TableName table) throws Exception {
    Configuration conf = hbase.configuration();
    FileSystem fs = FileSystem.get(conf);
    Path dir = fs.makeQualified(new Path("/tmp/bulkload-" + table.getQualifierAsString()));
    try (HFile.Writer w =
        HFile.getWriterFactory(conf, CacheConfig.DISABLED)
            .withPath(fs, new Path(new Path(dir, "f"), "hfile"))
            .withFileContext(new HFileContextBuilder().build())
            .create()) {
      w.append(
          new KeyValue(Bytes.toBytes("a"), F, Bytes.toBytes("q"), 1L, Bytes.toBytes("loaded")));
      w.append(
          new KeyValue(Bytes.toBytes("b"), F, Bytes.toBytes("q"), 1L, Bytes.toBytes("loaded")));
    }
    BulkLoadHFiles.create(conf).bulkLoad(table, dir);
  }

  private List<Marker> bulkLoadMarkers() {
    KafkaClients clients = new KafkaClients(stack.config());
    Topics topics = clients.topics();
    var decoder = clients.serdes().deserializer(ProgressEvent.class);
    List<Marker> markers = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("off-reader", null)) {
      TopicPartition tp = new TopicPartition(topics.progress(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (decoder.deserialize(r.topic(), r.headers(), r.value()).getBody() instanceof Marker m
              && m.getSource() == MarkerSource.BULK_LOAD) {
            markers.add(m);
          }
        }
      }
    }
    return markers;
  }
}
