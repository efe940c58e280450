package io.rewind.cli;

import io.rewind.archiver.RecordValidator;
import io.rewind.archiver.SegmentCommitter;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.segment.BlockCodecs;
import io.rewind.store.segment.SegmentFormat;
import io.rewind.store.segment.SegmentWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A real store on a local directory for fast CLI tests: one segment per partition, written by the
 * archiver's own SegmentWriter and SegmentCommitter, one put per row, the table's descriptor and a
 * checkpoint at the last write time.
 */
final class CraftedStore {

  static final String TABLE = "ns:orders";
  static final long FIRST_WRITE = 1_795_000_000_000L;
  private static final RecordValidator VALIDATOR = RecordValidator.ofReleasedSchemas();

  final String uri;
  final List<Manifest> manifests;
  final long checkpoint;

  private CraftedStore(String uri, List<Manifest> manifests, long checkpoint) {
    this.uri = uri;
    this.manifests = manifests;
    this.checkpoint = checkpoint;
  }

  /** {@code partitions} segments of {@code rowsPerPartition} edits each, write times 1 ms apart. */
  static CraftedStore write(Path dir, int partitions, int rowsPerPartition) throws Exception {
    return write(dir, partitions, rowsPerPartition, -1);
  }

  /**
   * The same, where partition 0's record at {@code invalidOffset} lacks its schema header: the
   * archiver's validator rejects it, so it is archived as invalid, its edit intact.
   */
  static CraftedStore write(Path dir, int partitions, int rowsPerPartition, long invalidOffset)
      throws Exception {
    return write(dir, partitions, rowsPerPartition, invalidOffset, p -> "columnar");
  }

  /** The same, each partition's segment in the given segment.format (columnar or records). */
  static CraftedStore write(
      Path dir,
      int partitions,
      int rowsPerPartition,
      long invalidOffset,
      IntFunction<String> format)
      throws Exception {
    String uri = dir.toUri().toString();
    Serializer<WalEdit> serializer =
        new KafkaClients(RewindConfig.of(Map.of(RewindConfig.STORE_URI, uri)))
            .serdes()
            .serializer(WalEdit.class);
    String schema = SchemaHistory.schemaId(WalEdit.getClassSchema());
    List<Manifest> manifests = new ArrayList<>();
    long last = FIRST_WRITE;
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      for (int p = 0; p < partitions; p++) {
        SegmentWriter writer =
            new SegmentWriter(
                p,
                0,
                1 << 20,
                SegmentFormat.of(format.apply(p)),
                "zstd",
                BlockCodecs.DEFAULT_ZSTD_LEVEL,
                Runnable::run);
        for (int i = 0; i < rowsPerPartition; i++) {
          long writeTime = FIRST_WRITE + p * rowsPerPartition + i;
          last = Math.max(last, writeTime);
          String row = "p" + p + "-row" + i;
          WalEdit edit =
              WalEdit.newBuilder()
                  .setTable(TABLE)
                  .setRegion("region-" + p)
                  .setRow(bytes(row))
                  .setWriteTime(writeTime)
                  .setSequenceId(i + 1)
                  .setQueue(QueueId.newBuilder().setServer("rs1").setWalGroup("g").build())
                  .setCells(
                      List.of(
                          Cell.newBuilder()
                              .setFamily(bytes("f"))
                              .setQualifier(bytes("q"))
                              .setTimestamp(writeTime)
                              .setType(CellType.PUT)
                              .setValue(bytes("v" + i))
                              .build()))
                  .build();
          byte[] value = serializer.serialize("rewind.edits", edit);
          byte[] key = (TABLE + "\0" + row).getBytes(StandardCharsets.UTF_8);
          org.apache.kafka.common.header.internals.RecordHeaders headers =
              new org.apache.kafka.common.header.internals.RecordHeaders();
          headers.add(
              new RecordHeader(RecordHeaders.TABLE, TABLE.getBytes(StandardCharsets.UTF_8)));
          if (p != 0 || i != invalidOffset) {
            headers.add(
                new RecordHeader(RecordHeaders.SCHEMA, schema.getBytes(StandardCharsets.UTF_8)));
          }
          ConsumerRecord<byte[], byte[]> record =
              new ConsumerRecord<>(
                  "rewind.edits",
                  p,
                  i,
                  writeTime,
                  TimestampType.CREATE_TIME,
                  key.length,
                  value.length,
                  key,
                  value,
                  headers,
                  Optional.empty());
          writer.append(record, VALIDATOR.problem(record.headers()), 0);
        }
        manifests.add(new SegmentCommitter(store, "crafted", () -> 1).commit(writer.seal()));
      }
      TableDescriptorFile.write(
          store,
          TableDescriptor.newBuilder()
              .setTable(TABLE)
              .setFamilies(List.of(FamilyDescriptor.newBuilder().setName("f").build()))
              .setUpdatedAt(FIRST_WRITE)
              .build());
      CheckpointFile.write(store, CheckpointFile.Stored.of(last, last, null, "test", 1));
    }
    return new CraftedStore(uri, manifests, last);
  }

  /**
   * {@code segments} consecutive segments of {@code rowsPerSegment} edits per partition (a chain of
   * several manifests), segment i of every partition sealed with {@code keyOf.apply(i)} (null: not
   * encrypted), committed at time 1; the descriptor and a checkpoint at the last write time.
   */
  static CraftedStore chains(
      Path dir, int partitions, int segments, int rowsPerSegment, IntFunction<SegmentKey> keyOf)
      throws Exception {
    String uri = dir.toUri().toString();
    Serializer<WalEdit> serializer =
        new KafkaClients(RewindConfig.of(Map.of(RewindConfig.STORE_URI, uri)))
            .serdes()
            .serializer(WalEdit.class);
    String schema = SchemaHistory.schemaId(WalEdit.getClassSchema());
    List<Manifest> manifests = new ArrayList<>();
    long last = FIRST_WRITE;
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      for (int s = 0; s < segments; s++) {
        SegmentCommitter committer =
            new SegmentCommitter(store, "crafted", () -> 1, keyOf.apply(s));
        for (int p = 0; p < partitions; p++) {
          long first = (long) s * rowsPerSegment;
          SegmentWriter writer = new SegmentWriter(p, first, 1 << 20, "zstd");
          for (int i = 0; i < rowsPerSegment; i++) {
            long offset = first + i;
            long writeTime = FIRST_WRITE + (offset * partitions + p) * 10;
            last = Math.max(last, writeTime);
            ConsumerRecord<byte[], byte[]> record =
                record(serializer, schema, p, offset, writeTime, "p" + p + "-row" + (offset % 7));
            writer.append(record, VALIDATOR.problem(record.headers()), 0);
          }
          manifests.add(committer.commit(writer.seal()));
        }
      }
      TableDescriptorFile.write(
          store,
          TableDescriptor.newBuilder()
              .setTable(TABLE)
              .setFamilies(List.of(FamilyDescriptor.newBuilder().setName("f").build()))
              .setUpdatedAt(FIRST_WRITE)
              .build());
      CheckpointFile.write(store, CheckpointFile.Stored.of(last, last, null, "test", 1));
    }
    return new CraftedStore(uri, manifests, last);
  }

  private static ConsumerRecord<byte[], byte[]> record(
      Serializer<WalEdit> serializer,
      String schema,
      int p,
      long offset,
      long writeTime,
      String row) {
    WalEdit edit =
        WalEdit.newBuilder()
            .setTable(TABLE)
            .setRegion("region-" + p)
            .setRow(bytes(row))
            .setWriteTime(writeTime)
            .setSequenceId(offset + 1)
            .setQueue(QueueId.newBuilder().setServer("rs1").setWalGroup("g").build())
            .setCells(
                List.of(
                    Cell.newBuilder()
                        .setFamily(bytes("f"))
                        .setQualifier(bytes("q"))
                        .setTimestamp(writeTime)
                        .setType(CellType.PUT)
                        .setValue(bytes("v" + offset))
                        .build()))
            .build();
    byte[] value = serializer.serialize("rewind.edits", edit);
    byte[] key = (TABLE + "\0" + row).getBytes(StandardCharsets.UTF_8);
    org.apache.kafka.common.header.internals.RecordHeaders headers =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(new RecordHeader(RecordHeaders.TABLE, TABLE.getBytes(StandardCharsets.UTF_8)));
    headers.add(new RecordHeader(RecordHeaders.SCHEMA, schema.getBytes(StandardCharsets.UTF_8)));
    return new ConsumerRecord<>(
        "rewind.edits",
        p,
        offset,
        writeTime,
        TimestampType.CREATE_TIME,
        key.length,
        value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
