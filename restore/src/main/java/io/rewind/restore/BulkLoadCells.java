package io.rewind.restore;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.hbase.CellTypes;
import io.rewind.client.kafka.EditKey;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.CellType;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.WalEdit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.io.hfile.HFileScanner;

/**
 * The cells of one captured bulk-loaded HFile as edits of the replay, the same for both engines:
 * every cell becomes part of an edit of its row with the load's write time and sequence id, so the
 * replay orders it after the region's edits before the load and before those after it, exactly as
 * HBase does with the loaded file. A row's cells go in parts of about {@link #PART_BYTES}; each
 * file is its own "region" (the load's region and the file's name) so that no part of one file is
 * taken for a re-shipped copy of another's. Each edit goes with the edits partition that holds the
 * row's stream edits (the producer's partitioner, with the partition count the load was captured
 * with) and an offset from {@link #FIRST_OFFSET} on, above any Kafka offset.
 */
public final class BulkLoadCells {

  /**
   * Offsets of bulk-loaded entries start here, above any Kafka offset: they name the file they come
   * from.
   */
  public static final long FIRST_OFFSET = 1L << 62;

  private static final long PART_BYTES = 1L << 20;

  private BulkLoadCells() {}

  /** Where the edits of a file go, in the file's row order. */
  @FunctionalInterface
  public interface Sink {
    void accept(int partition, byte[] key, long offset, ByteBuffer value) throws IOException;
  }

  /** What reading a file gave: its cells, and the offset after its last edit's. */
  public record Read(long cells, long nextOffset) {}

  /**
   * The files of a load the restore replays: those of families the table keeps at the load's write
   * time.
   */
  public static List<BaseImageFile> replayedFiles(
      BulkLoadManifest load, TableTimeline.TableAtTime table) throws IOException {
    if (load.editsPartitions < 1) {
      throw new IOException(
          "the bulk-load record of "
              + load
              + " names no partition count of the edits topic ("
              + load.editsPartitions
              + "): it was not written by a Rewind endpoint");
    }
    List<BaseImageFile> files = new ArrayList<>();
    for (BaseImageFile f : load.files) {
      if (table == null || table.keepsCell(f.family, load.writeTime)) {
        files.add(f);
      }
    }
    return files;
  }

  /**
   * Copies a stored file to {@code staged} and checks its SHA-256.
   *
   * @throws BaseImageFileException when it is missing or damaged
   */
  public static void stage(
      ObjectStore store,
      KeyRing keys,
      BulkLoadManifest load,
      BaseImageFile f,
      FileSystem fs,
      Path staged)
      throws IOException {
    StagedFiles.stage(
        store,
        keys,
        f,
        fs,
        staged,
        load.toString(),
        "the load's cells cannot be restored: restore to a time before it ("
            + TimeParser.format(load.writeTime)
            + "), or take a base of "
            + load.table
            + " (rewind base) and restore to a time after the base");
  }

  /**
   * Reads one staged HFile once and hands each row's edits to the sink, with offsets from {@code
   * firstOffset} on.
   */
  public static Read read(
      BulkLoadManifest load,
      BaseImageFile f,
      FileSystem fs,
      Path staged,
      Configuration conf,
      long firstOffset,
      Sink sink)
      throws IOException {
    QueueId queue =
        QueueId.newBuilder()
            .setServer(nullToEmpty(load.queueServer))
            .setWalGroup(nullToEmpty(load.queueWalGroup))
            .build();
    String region = load.region + "/" + f.name;
    long cells = 0;
    long offset = firstOffset;
    try (HFile.Reader reader = HFile.createReader(fs, staged, CacheConfig.DISABLED, true, conf)) {
      HFileScanner scanner = reader.getScanner(conf, false, false);
      if (scanner.seekTo()) {
        byte[] row = null;
        List<io.rewind.schemas.Cell> part = new ArrayList<>();
        long partBytes = 0;
        int partIndex = 0;
        do {
          Cell c = scanner.getCell();
          if (row == null || !CellUtil.matchingRows(c, row)) {
            if (row != null) {
              emit(load, region, queue, row, part, partIndex, offset++, sink);
            }
            row = CellUtil.cloneRow(c);
            part = new ArrayList<>();
            partBytes = 0;
            partIndex = 0;
          } else if (partBytes >= PART_BYTES) {
            emit(load, region, queue, row, part, partIndex++, offset++, sink);
            part = new ArrayList<>();
            partBytes = 0;
          }
          part.add(
              io.rewind.schemas.Cell.newBuilder()
                  .setFamily(ByteBuffer.wrap(CellUtil.cloneFamily(c)))
                  .setQualifier(ByteBuffer.wrap(CellUtil.cloneQualifier(c)))
                  .setTimestamp(c.getTimestamp())
                  .setType(typeOf(c, f))
                  .setValue(ByteBuffer.wrap(CellUtil.cloneValue(c)))
                  .build());
          partBytes += c.getSerializedSize();
          cells++;
        } while (scanner.next());
        emit(load, region, queue, row, part, partIndex, offset++, sink);
      }
    }
    return new Read(cells, offset);
  }

  private static void emit(
      BulkLoadManifest load,
      String region,
      QueueId queue,
      byte[] row,
      List<io.rewind.schemas.Cell> cells,
      int part,
      long offset,
      Sink sink)
      throws IOException {
    WalEdit edit =
        WalEdit.newBuilder()
            .setTable(load.table)
            .setRegion(region)
            .setRow(ByteBuffer.wrap(row))
            .setWriteTime(load.writeTime)
            .setSequenceId(load.sequenceId)
            .setQueue(queue)
            .setCells(cells)
            .setPart(part)
            .setParts(1)
            .build();
    ByteBuffer value = WalEdit.getEncoder().encode(edit);
    byte[] key = EditKey.of(load.table, row);
    sink.accept(EditKey.partition(key, load.editsPartitions), key, offset, value);
  }

  private static CellType typeOf(Cell c, BaseImageFile f) throws IOException {
    return CellTypes.toAvro(c.getType())
        .orElseThrow(
            () ->
                new IOException(
                    "the bulk-loaded file "
                        + f.key
                        + " holds a cell of type "
                        + c.getType()
                        + ", which HBase never writes to an HFile it loads: the file is not an HFile of a table"));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
