package io.rewind.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoredObject;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.CompactionState;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * File-level dedup across bases on a real HBase (mini cluster on HDFS) into a real S3 API (S3Proxy
 * through S3A): a base copies only the HFiles no earlier base stored, with no rename and no copy
 * request; deleting bases in any order removes exactly the files no remaining base names, so no
 * base is ever left with a dangling reference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BaseImageDedupTest {

  private static final TableName TABLE = TableName.valueOf("dedup", "t");
  private static final byte[] F = Bytes.toBytes("f");

  private EmbeddedStack stack;
  private HBaseMiniCluster hbase;
  private ObjectStore store;
  private BaseImageTaker taker;
  private int written;

  @BeforeAll
  void start() throws Exception {
    stack =
        EmbeddedStack.builder()
            .editsPartitions(1)
            .withS3(true)
            .withHBase(true)
            .hbaseRegionServers(1)
            .hbasePeer(false)
            .start();
    hbase = stack.hbase().orElseThrow();
    store = ObjectStore.open(stack.config());
    Configuration conf = hbase.configuration();
    taker =
        new BaseImageTaker(
            hbase.connection(),
            conf,
            store,
            BaseImageSettings.from(RewindConfig.of(Map.of(BaseImageSettings.COPY_THREADS, "2"))));
    try (Admin admin = hbase.connection().getAdmin()) {
      admin.createNamespace(NamespaceDescriptor.create("dedup").build());
      // Only the explicit major compaction below may merge files.
      admin.createTable(
          TableDescriptorBuilder.newBuilder(TABLE)
              .setColumnFamily(ColumnFamilyDescriptorBuilder.of(F))
              .setValue("hbase.hstore.compactionThreshold", "100")
              .build());
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void basesShareHFilesAndDeletingThemInAnyOrderLeavesNoDanglingReference() throws Exception {
    writeAndFlush(200);
    writeAndFlush(200);
    BaseImageReport first = taker.take("dedup:t");
    assertThat(first.files).isEqualTo(2);
    assertThat(first.filesCopied).isEqualTo(2);
    assertThat(first.storedBytesWritten)
        .as("zstd on repetitive values")
        .isLessThan(first.bytesCopied);

    writeAndFlush(200);
    BaseImageReport second = taker.take("dedup:t");
    assertThat(second.files).isEqualTo(3);
    assertThat(second.filesCopied).isEqualTo(1);
    assertThat(second.filesReused).isEqualTo(2);
    assertThat(second.bytesReused).isEqualTo(first.bytes);
    assertThat(stored()).hasSize(3);

    try (Admin admin = hbase.connection().getAdmin()) {
      admin.majorCompact(TABLE);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ofMillis(200))
          .until(
              () ->
                  admin.getCompactionState(TABLE) == CompactionState.NONE
                      && hbase
                              .cluster()
                              .getRegions(TABLE)
                              .get(0)
                              .getStores()
                              .get(0)
                              .getStorefilesCount()
                          == 1);
      // The snapshots were deleted after their copies: HBase is free to clean the compacted files.
      assertThat(admin.listSnapshots()).isEmpty();
    }
    BaseImageReport third = taker.take("dedup:t");
    assertThat(third.files).isEqualTo(1);
    assertThat(third.filesCopied).isEqualTo(1);
    assertThat(stored()).hasSize(4);
    Map<String, Long> s3 = ((IOStatisticsSource) store.fileSystem()).getIOStatistics().counters();
    assertThat(s3.get("object_put_request")).as("HFiles were PUT: %s", s3).isPositive();
    assertThat(s3.get("op_rename")).as("no rename: %s", s3).isZero();
    assertThat(s3.get("object_copy_requests")).as("no copy: %s", s3).isZero();

    BaseImageStore bases = new BaseImageStore(store);
    List<BaseImageManifest> all = bases.bases("dedup:t").all();
    assertThat(all).extracting(b -> b.id).containsExactly(first.id, second.id, third.id);
    assertThat(all.get(0).files)
        .allSatisfy(f -> assertThat(f.sourceChecksum).startsWith("MD5-of-"));

    // The middle base first: only the file it alone named goes.
    bases.delete(all.get(1));
    BaseImageStore.GarbageReport g =
        bases.collectGarbage("dedup:t", System.currentTimeMillis(), Duration.ofHours(1).toMillis());
    assertThat(g.filesDeleted).isEqualTo(1);
    assertEveryNamedFileIsStoredAndNothingElse(bases);
    assertThat(stored()).hasSize(3);

    bases.delete(all.get(0));
    g = bases.collectGarbage("dedup:t", System.currentTimeMillis(), Duration.ofHours(1).toMillis());
    assertThat(g.filesDeleted).isEqualTo(2);
    assertEveryNamedFileIsStoredAndNothingElse(bases);
    assertThat(stored()).hasSize(1);
  }

  @Test
  void aCopyInProgressKeepsItsFilesUntilItsIntentExpires() throws Exception {
    BaseImageStore bases = new BaseImageStore(store);
    BaseImageManifest intent = new BaseImageManifest();
    intent.table = "dedup:other";
    intent.id = BaseImageStore.baseId(System.currentTimeMillis());
    intent.startedAt = System.currentTimeMillis();
    BaseImageFile f = new BaseImageFile();
    f.name = "in-flight";
    f.key = BaseImageStore.fileKey("dedup:other", "f", "in-flight", intent.id);
    intent.files = List.of(f);
    bases.writeIntent(intent);
    store.write(f.key, new byte[] {1, 2, 3});

    assertThat(bases.collectGarbage("dedup:other", System.currentTimeMillis(), 60_000).filesDeleted)
        .isZero();
    assertThat(store.exists(f.key)).isTrue();

    BaseImageStore.GarbageReport expired =
        bases.collectGarbage("dedup:other", System.currentTimeMillis() + 120_000, 60_000);
    assertThat(expired.expiredIntents).isEqualTo(1);
    assertThat(store.exists(f.key)).isFalse();
  }

  @Test
  void aTornBaseManifestReadsAsAbsent() throws Exception {
    BaseImageStore bases = new BaseImageStore(store);
    String key = BaseImageStore.baseDir("dedup:torn", "b-0000000000001") + "/base.json";
    store.write(
        key,
        "{\"table\":\"dedup:torn\",\"id\":\"b-0000000000001\",\"checksum\":\"00\"}".getBytes());
    assertThat(bases.bases("dedup:torn").all()).isEmpty();
  }

  @Test
  void anUnknownTableAndAMissingRootDirAreRefusedWithTheFix() {
    assertThatThrownBy(() -> taker.take("dedup:nope"))
        .isInstanceOf(BaseImageException.class)
        .hasMessageContaining("dedup:nope does not exist");
    Configuration noRoot = new Configuration(hbase.configuration());
    noRoot.unset("hbase.rootdir");
    BaseImageTaker blind =
        new BaseImageTaker(
            hbaseConnection(), noRoot, store, BaseImageSettings.from(RewindConfig.of(Map.of())));
    assertThatThrownBy(() -> blind.take("dedup:t"))
        .isInstanceOf(BaseImageException.class)
        .hasMessageContaining("--hbase-site");
  }

  private Connection hbaseConnection() {
    try {
      return hbase.connection();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assertEveryNamedFileIsStoredAndNothingElse(BaseImageStore bases) throws Exception {
    Set<String> named = new HashSet<>();
    bases.bases("dedup:t").all().forEach(b -> b.files.forEach(f -> named.add(f.key)));
    assertThat(stored()).isEqualTo(named);
  }

  private Set<String> stored() throws Exception {
    return store.listFiles(BaseImageStore.ROOT + "/files/dedup/t").stream()
        .map(StoredObject::key)
        .collect(Collectors.toSet());
  }

  private void writeAndFlush(int rows) throws Exception {
    try (Table t = hbase.connection().getTable(TABLE)) {
      for (int i = 0; i < rows; i++) {
        int n = written++;
        t.put(
            new Put(Bytes.toBytes(String.format("row-%06d", n)))
                .addColumn(
                    F,
                    Bytes.toBytes("q"),
                    Bytes.toBytes("value of row " + n + " repeated ".repeat(8))));
      }
    }
    try (Admin admin = hbase.connection().getAdmin()) {
      admin.flush(TABLE);
    }
  }
}
