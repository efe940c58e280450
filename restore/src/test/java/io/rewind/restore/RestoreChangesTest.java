package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.base.FileCopier;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.kafka.EditKey;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.TableHistory;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.BulkLoadFile;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.store.dump.CellDump;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.CodecFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hbase.CellComparator;
import org.apache.hadoop.hbase.KeyValue;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.io.hfile.HFileContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore through the public API of a store holding what the WAL does not carry: a captured bulk
 * load among a row's edits (its cells tie with an earlier put and a later one of the same
 * timestamp), and a table's versions (a truncate, a family removed, VERSIONS lowered), restored
 * into cell dumps.
 */
class RestoreChangesTest {

  private static final String TABLE = "ns:t";
  private static final int PARTITIONS = 4;
  private static final QueueId QUEUE = new QueueId("rs1,16020,1", "rs1%2C16020%2C1");

  @TempDir Path dir;

  @Test
  void aBulkLoadIsReplayedAtItsPlaceAmongTheRowsEdits() throws Exception {
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      history(store, version(100, "CREATE", family("f", Integer.MAX_VALUE)));
      List<WalEdit> edits =
          List.of(
              edit("r1", 1000, 5, cell("f", "q", 1000, CellType.PUT, "before")),
              edit("r1", 3000, 15, cell("f", "q", 3000, CellType.PUT, "after")),
              edit("r2", 4000, 20, cell("f", "q", 100, CellType.DELETE_COLUMN, "")));
      BulkLoad load =
          bulkLoad(
              store,
              2000,
              10,
              new KeyValue(bytes("r1"), bytes("f"), bytes("q"), 3000, bytes("loaded-late")),
              new KeyValue(bytes("r1"), bytes("f"), bytes("q"), 1000, bytes("loaded")),
              new KeyValue(bytes("r2"), bytes("f"), bytes("q"), 50, bytes("bulk-only")),
              new KeyValue(bytes("r3"), bytes("f"), bytes("q"), 60, bytes("bulk-only")));
      archive(store, edits, List.of(load));

      assertThat(dump(store, 1500)).containsExactly("r1\tf:q\t1000\tbefore");
      assertThat(dump(store, 2500))
          .as("a loaded cell wins over an earlier put of the same timestamp")
          .containsExactly(
              "r1\tf:q\t3000\tloaded-late",
              "r1\tf:q\t1000\tloaded",
              "r2\tf:q\t50\tbulk-only",
              "r3\tf:q\t60\tbulk-only");
      RestoreReport report = restore(store, 5000, dir.resolve("t5000"));
      assertThat(lines(dir.resolve("t5000")))
          .as(
              "a later put of the same timestamp wins over the loaded cell; a later delete masks one")
          .containsExactly(
              "r1\tf:q\t3000\tafter", "r1\tf:q\t1000\tloaded", "r3\tf:q\t60\tbulk-only");
      assertThat(report.bulkLoadsReplayed).hasSize(1);
      assertThat(report.bulkLoadCells).isEqualTo(4);
      assertThat(report.invalidRecords).isZero();
    }
  }

  @Test
  void aBulkLoadSealedWithTheKeyRingIsReplayedWithItAndRefusedWithoutItsKey() throws Exception {
    SegmentKey key = SegmentKey.of("k1", new byte[32]);
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      history(store, version(100, "CREATE", family("f", Integer.MAX_VALUE)));
      BulkLoad load =
          bulkLoad(
              store,
              key,
              2000,
              10,
              new KeyValue(bytes("r1"), bytes("f"), bytes("q"), 1000, bytes("loaded")));
      archive(
          store,
          List.of(edit("r1", 1000, 5, cell("f", "q", 900, CellType.PUT, "before"))),
          List.of(load));
      assertThat(Files.readAllBytes(dir.resolve("store").resolve(load.getFiles().get(0).getKey())))
          .startsWith('R', 'W', 'E', '2');

      Files.createDirectories(dir.resolve("spill"));
      new Restore(store.store, store.serdes, TestStore.TOPIC)
          .withKeyRing(KeyRing.of(key))
          .withSort(new SortSettings(1 << 20, dir.resolve("spill")))
          .run(
              new RestoreOptions(5000, List.of(), 2, false),
              new DumpTarget(dir.resolve("sealed"), 5000, List.of(TABLE)));
      assertThat(lines(dir.resolve("sealed")))
          .containsExactly("r1\tf:q\t1000\tloaded", "r1\tf:q\t900\tbefore");
      assertThatThrownBy(() -> restore(store, 5000, dir.resolve("no-key")))
          .hasMessageContaining(load.getFiles().get(0).getKey())
          .hasMessageContaining("k1");
    }
  }

  @Test
  void aBulkLoadTheStreamNamesWithoutItsCommitFailsTheRestoreNamingIt() throws Exception {
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      history(store, version(100, "CREATE", family("f", Integer.MAX_VALUE)));
      BulkLoad load =
          bulkLoad(
              store,
              2000,
              10,
              new KeyValue(bytes("r1"), bytes("f"), bytes("q"), 1000, bytes("loaded")));
      archive(
          store,
          List.of(edit("r1", 1000, 5, cell("f", "q", 1000, CellType.PUT, "before"))),
          List.of(load));
      store.store.delete(load.getCommitKey());

      assertThatThrownBy(() -> restore(store, 5000, dir.resolve("out")))
          .hasMessageContaining(load.getCommitKey())
          .hasMessageContaining("is not in the store");
      assertThat(dump(store, 1500)).as("a time before it").containsExactly("r1\tf:q\t1000\tbefore");
    }
  }

  @Test
  void aTruncateARemovedFamilyAndLoweredVersionsShapeTheRestoreAsOfT() throws Exception {
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      history(
          store,
          version(100, "CREATE", family("f", Integer.MAX_VALUE), family("g", Integer.MAX_VALUE)));
      history(
          store,
          version(400, "TRUNCATE", family("f", Integer.MAX_VALUE), family("g", Integer.MAX_VALUE)));
      history(store, version(600, "MODIFY", family("f", 1)));
      archive(
          store,
          List.of(
              edit(
                  "a",
                  200,
                  1,
                  cell("f", "q", 200, CellType.PUT, "old"),
                  cell("g", "q", 200, CellType.PUT, "old-g")),
              edit(
                  "a",
                  500,
                  2,
                  cell("f", "q", 500, CellType.PUT, "v1"),
                  cell("g", "q", 500, CellType.PUT, "g1")),
              edit("a", 550, 3, cell("f", "q", 550, CellType.PUT, "v2")),
              edit("a", 700, 4, cell("f", "q", 700, CellType.PUT, "v3"))),
          List.of());

      assertThat(dump(store, 350)).containsExactly("a\tf:q\t200\told", "a\tg:q\t200\told-g");
      assertThat(dump(store, 450)).as("truncated").isEmpty();
      assertThat(dump(store, 560))
          .containsExactly("a\tf:q\t550\tv2", "a\tf:q\t500\tv1", "a\tg:q\t500\tg1");
      assertThat(dump(store, 800))
          .as("g removed, f keeps 1 version")
          .containsExactly("a\tf:q\t700\tv3");
    }
  }

  @Test
  void aTableDroppedBeforeTIsLeftOutOrRefusedWhenAskedFor() throws Exception {
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      history(store, version(100, "CREATE", family("f", Integer.MAX_VALUE)));
      history(store, version(600, "DROP", family("f", Integer.MAX_VALUE)));
      archive(store, List.of(edit("a", 200, 1, cell("f", "q", 200, CellType.PUT, "v"))), List.of());
      Restore restore = new Restore(store.store, store.serdes, TestStore.TOPIC);

      RestoreReport plan =
          restore.run(
              new RestoreOptions(700, List.of(), 1, true),
              new DumpTarget(dir.resolve("none"), 700, List.of()));
      assertThat(plan.tablesAbsentAtTime).containsOnlyKeys(TABLE);
      assertThat(plan.tablesAbsentAtTime.get(TABLE)).startsWith("dropped at");
      assertThat(plan.editsPlanned).isZero();
      assertThatThrownBy(() -> restore.tablesAt(700, List.of(TABLE)))
          .isInstanceOf(RestoreRefusedException.class)
          .hasMessageContaining("dropped at")
          .hasMessageContaining("--to");
      assertThat(
              restore.run(
                      new RestoreOptions(500, List.of(), 1, true),
                      new DumpTarget(dir.resolve("none"), 500, List.of()))
                  .editsPlanned)
          .isEqualTo(1);
    }
  }

  private List<String> dump(TestStore store, long t) throws IOException {
    Path out = dir.resolve("t" + t);
    restore(store, t, out);
    return lines(out);
  }

  private static List<String> lines(Path out) throws IOException {
    List<String> all =
        Files.readAllLines(out.resolve(CellDump.fileName(TABLE)), StandardCharsets.UTF_8);
    return all.subList(1, all.size());
  }

  private RestoreReport restore(TestStore store, long t, Path out) throws IOException {
    Files.createDirectories(dir.resolve("spill"));
    return new Restore(store.store, store.serdes, TestStore.TOPIC)
        .withSort(new SortSettings(1 << 20, dir.resolve("spill")))
        .run(new RestoreOptions(t, List.of(), 2, false), new DumpTarget(out, t, List.of(TABLE)));
  }

  /**
   * Writes the edits and the bulk-load records, each to the partition of its key, one segment per
   * partition, and a checkpoint.
   */
  private static void archive(TestStore store, List<WalEdit> edits, List<BulkLoad> loads)
      throws IOException {
    Map<Integer, List<ArchivedRecord>> byPartition = new TreeMap<>();
    for (WalEdit e : edits) {
      List<ArchivedRecord> records =
          byPartition.computeIfAbsent(
              partition(e.getTable(), RowImage.bytes(e.getRow())), p -> new ArrayList<>());
      records.add(store.record(records.size(), e));
    }
    for (BulkLoad l : loads) {
      List<ArchivedRecord> records =
          byPartition.computeIfAbsent(partition(l.getTable(), new byte[0]), p -> new ArrayList<>());
      records.add(
          new ArchivedRecord(
              (long) records.size(),
              l.getWriteTime(),
              ByteBuffer.wrap(EditKey.of(l.getTable(), new byte[0])),
              List.of(
                  header(RecordHeaders.TABLE, l.getTable()),
                  header(RecordHeaders.SCHEMA, SchemaHistory.schemaId(BulkLoad.getClassSchema())),
                  header(RecordHeaders.KIND, RecordHeaders.KIND_BULK_LOAD)),
              ByteBuffer.wrap(
                  store.serdes.serializer(BulkLoad.class).serialize(TestStore.TOPIC, l))));
    }
    for (Map.Entry<Integer, List<ArchivedRecord>> e : byPartition.entrySet()) {
      store.segment(e.getKey(), 0, e.getValue().size(), e.getValue(), CodecFactory.nullCodec());
    }
    store.checkpoint(10_000);
  }

  /**
   * Writes the cells as an HFile, stores it as the endpoint does, and commits the load; returns its
   * stream record.
   */
  private BulkLoad bulkLoad(TestStore store, long writeTime, long seq, KeyValue... cells)
      throws IOException {
    return bulkLoad(store, null, writeTime, seq, cells);
  }

  private BulkLoad bulkLoad(
      TestStore store, SegmentKey sealWith, long writeTime, long seq, KeyValue... cells)
      throws IOException {
    Configuration conf = new Configuration();
    FileSystem local = FileSystem.getLocal(conf).getRaw();
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(dir.resolve("hfile-" + seq).toUri());
    List<KeyValue> sorted = new ArrayList<>(List.of(cells));
    sorted.sort(CellComparator.getInstance());
    try (HFile.Writer w =
        HFile.getWriterFactory(conf, CacheConfig.DISABLED)
            .withPath(local, file)
            .withFileContext(new HFileContextBuilder().build())
            .create()) {
      for (KeyValue kv : sorted) {
        w.append(kv);
      }
    }
    BaseImageFile stored;
    try (InputStream in = local.open(file)) {
      stored =
          new FileCopier(store.store, new UploadThrottle(0), "zstd", sealWith)
              .copy(in, "hfile-" + seq, BaseImageStore.fileKey(TABLE, "f", "hfile-" + seq));
    }
    stored.family = "f";
    BulkLoadManifest load = new BulkLoadManifest();
    load.table = TABLE;
    load.region = "region1";
    load.sequenceId = seq;
    load.writeTime = writeTime;
    load.queueServer = QUEUE.getServer();
    load.queueWalGroup = QUEUE.getWalGroup();
    load.editsPartitions = PARTITIONS;
    load.files.add(stored);
    new BulkLoadStore(store.store).commit(load);
    return BulkLoad.newBuilder()
        .setTable(TABLE)
        .setRegion(load.region)
        .setWriteTime(writeTime)
        .setSequenceId(seq)
        .setQueue(QUEUE)
        .setFiles(
            List.of(
                BulkLoadFile.newBuilder()
                    .setFamily("f")
                    .setName(stored.name)
                    .setKey(stored.key)
                    .setSize(stored.size)
                    .setSha256(stored.sha256)
                    .build()))
        .setCommitKey(BulkLoadStore.commitKey(load))
        .build();
  }

  private static void history(TestStore store, TableDescriptor version) throws IOException {
    new TableHistory(store.store).write(version);
  }

  private static TableDescriptor version(long time, String change, FamilyDescriptor... families) {
    return TableDescriptor.newBuilder()
        .setTable(TABLE)
        .setFamilies(List.of(families))
        .setUpdatedAt(time)
        .setChange(change)
        .build();
  }

  private static FamilyDescriptor family(String name, int versions) {
    return FamilyDescriptor.newBuilder().setName(name).setMaxVersions(versions).build();
  }

  private static WalEdit edit(String row, long writeTime, long seq, Cell... cells) {
    return WalEdit.newBuilder()
        .setTable(TABLE)
        .setRegion("region1")
        .setRow(ByteBuffer.wrap(bytes(row)))
        .setWriteTime(writeTime)
        .setSequenceId(seq)
        .setQueue(QUEUE)
        .setCells(List.of(cells))
        .build();
  }

  private static Cell cell(String family, String qualifier, long ts, CellType type, String value) {
    return new Cell(
        ByteBuffer.wrap(bytes(family)),
        ByteBuffer.wrap(bytes(qualifier)),
        ts,
        type,
        ByteBuffer.wrap(bytes(value)));
  }

  private static int partition(String table, byte[] row) {
    return EditKey.partition(EditKey.of(table, row), PARTITIONS);
  }

  private static ArchivedHeader header(String key, String value) {
    return new ArchivedHeader(key, ByteBuffer.wrap(bytes(value)));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
