package io.rewind.testkit.archive;

import io.rewind.archiver.SegmentCommitter;
import io.rewind.client.kafka.EditKey;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.segment.SealedSegment;
import io.rewind.store.segment.SegmentWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Archived edits for the restore bench, written straight into a store the way the archiver writes
 * them (SegmentWriter, SegmentCommitter), without Kafka: one table with one family, pre-split in
 * four, one put per edit on random hex rows (each row's edits in the partition Kafka's producer
 * would send them to, sequence ids rising), its descriptor and a checkpoint at the last write time.
 * Each edit is also handed to a consumer as it is archived, so that the restore bench's baseline
 * writes exactly the same cells; nothing is kept, so the store can be far larger than the heap.
 */
public final class SyntheticArchive {

  public static final String TABLE = "bench:t";
  public static final byte[] FAMILY = "f".getBytes(StandardCharsets.UTF_8);
  private static final long SEGMENT_BYTES = 8L << 20;

  private SyntheticArchive() {}

  /**
   * @param archived takes each edit archived, in write order
   */
  public static void write(
      ObjectStore store,
      SerdeFactory serdes,
      int partitions,
      int edits,
      int valueBytes,
      long seed,
      Consumer<WalEdit> archived)
      throws IOException, InterruptedException {
    Random rng = new Random(seed);
    long first = System.currentTimeMillis() - edits - 60_000;
    Segments segments = new Segments(store, serdes, partitions);
    for (int i = 0; i < edits; i++) {
      String row = String.format("%08x", rng.nextInt(Math.max(1, edits / 2)) * 0x9E3779B1);
      long writeTime = first + i;
      byte[] value = new byte[valueBytes];
      rng.nextBytes(value);
      WalEdit edit =
          edit(
              row,
              "region-" + segments.partitionOf(row.getBytes(StandardCharsets.UTF_8)),
              writeTime,
              i + 1L,
              "q" + (i & 3),
              value);
      archived.accept(edit);
      segments.append(edit);
    }
    segments.finish();
    long last = first + edits - 1;
    describeAndCheckpoint(store, first, last);
  }

  /** Archives the edits as they are (no descriptor, no checkpoint). */
  public static void archive(
      ObjectStore store, SerdeFactory serdes, int partitions, List<WalEdit> edits)
      throws IOException, InterruptedException {
    Segments segments = new Segments(store, serdes, partitions);
    for (WalEdit e : edits) {
      segments.append(e);
    }
    segments.finish();
  }

  /**
   * Each partition's open segment, committed when full: records go to their key's partition, as the
   * producer sends them.
   */
  private static final class Segments {
    private final Serializer<WalEdit> serializer;
    private final String schema = SchemaHistory.schemaId(WalEdit.getClassSchema());
    private final SegmentWriter[] writers;
    private final long[] offsets;
    private final SegmentCommitter committer;

    Segments(ObjectStore store, SerdeFactory serdes, int partitions) {
      this.serializer = serdes.serializer(WalEdit.class);
      this.writers = new SegmentWriter[partitions];
      this.offsets = new long[partitions];
      this.committer = new SegmentCommitter(store, "bench", System::currentTimeMillis);
      for (int p = 0; p < partitions; p++) {
        writers[p] = new SegmentWriter(p, 0, SEGMENT_BYTES, "zstd");
      }
    }

    int partitionOf(byte[] row) {
      return EditKey.partition(EditKey.of(TABLE, row), writers.length);
    }

    void append(WalEdit edit) throws IOException, InterruptedException {
      byte[] row = new byte[edit.getRow().remaining()];
      edit.getRow().duplicate().get(row);
      int partition = partitionOf(row);
      ConsumerRecord<byte[], byte[]> record =
          record(
              partition,
              offsets[partition]++,
              edit,
              serializer.serialize("rewind.edits", edit),
              schema);
      if (writers[partition].wouldOverflow(record)) {
        SealedSegment sealed = writers[partition].seal();
        committer.commit(sealed);
        writers[partition] =
            new SegmentWriter(partition, sealed.endOffset(), SEGMENT_BYTES, "zstd");
      }
      writers[partition].append(record, null, 0);
    }

    void finish() throws IOException, InterruptedException {
      for (SegmentWriter w : writers) {
        if (w.hasContent()) {
          committer.commit(w.seal());
        }
      }
    }
  }

  /** One put of one cell at its write time, on the bench table. */
  public static WalEdit edit(
      String row, String region, long writeTime, long sequenceId, String qualifier, byte[] value) {
    return WalEdit.newBuilder()
        .setTable(TABLE)
        .setRegion(region)
        .setRow(ByteBuffer.wrap(row.getBytes(StandardCharsets.UTF_8)))
        .setWriteTime(writeTime)
        .setSequenceId(sequenceId)
        .setQueue(QueueId.newBuilder().setServer("bench-rs").setWalGroup("g").build())
        .setCells(
            List.of(
                Cell.newBuilder()
                    .setFamily(ByteBuffer.wrap(FAMILY))
                    .setQualifier(ByteBuffer.wrap(qualifier.getBytes(StandardCharsets.UTF_8)))
                    .setTimestamp(writeTime)
                    .setType(CellType.PUT)
                    .setValue(ByteBuffer.wrap(value))
                    .build()))
        .build();
  }

  /**
   * The edits-topic record of an edit, as the publisher writes it (key table 0x00 row, table and
   * schema headers).
   */
  public static ConsumerRecord<byte[], byte[]> record(
      int partition, long offset, WalEdit edit, byte[] value, String schema) {
    byte[] row = new byte[edit.getRow().remaining()];
    edit.getRow().duplicate().get(row);
    byte[] table = (TABLE + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(table, table.length + row.length);
    System.arraycopy(row, 0, key, table.length, row.length);
    org.apache.kafka.common.header.internals.RecordHeaders headers =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(new RecordHeader(RecordHeaders.TABLE, TABLE.getBytes(StandardCharsets.UTF_8)));
    headers.add(new RecordHeader(RecordHeaders.SCHEMA, schema.getBytes(StandardCharsets.UTF_8)));
    return new ConsumerRecord<>(
        "rewind.edits",
        partition,
        offset,
        edit.getWriteTime(),
        TimestampType.CREATE_TIME,
        key.length,
        value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  /**
   * The bench table's descriptor (one family, pre-split in four) and a checkpoint at the last write
   * time.
   */
  public static void describeAndCheckpoint(ObjectStore store, long first, long last)
      throws IOException {
    List<ByteBuffer> splits = new ArrayList<>();
    for (String s : new String[] {"4", "8", "c"}) {
      splits.add(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }
    TableDescriptorFile.write(
        store,
        TableDescriptor.newBuilder()
            .setTable(TABLE)
            .setFamilies(
                List.of(
                    FamilyDescriptor.newBuilder()
                        .setName("f")
                        .setMaxVersions(Integer.MAX_VALUE)
                        .build()))
            .setSplitKeys(splits)
            .setUpdatedAt(first)
            .build());
    CheckpointFile.write(store, CheckpointFile.Stored.of(last, last, null, "bench", 1));
  }
}
