package io.rewind.restore;

import io.rewind.core.base.BaseFile;
import io.rewind.core.base.BulkLoadManifest;
import io.rewind.core.kafka.EditKey;
import io.rewind.core.segment.KeyRing;
import io.rewind.core.store.ObjectStore;
import io.rewind.schemas.CellType;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.WalEdit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.io.hfile.HFileScanner;

/**
 * The cells of captured bulk loads as edits of the replay: every cell of a loaded HFile becomes part
 * of an edit of its row with the load's write time and sequence id, so the replay orders it after
 * the region's edits before the load and before those after it, exactly as HBase does with the
 * loaded file (HBase gives it that sequence id). Each row's edits go to the edits partition that
 * holds the row's stream edits (the producer's partitioner over the same key, with the partition
 * count the load was captured with), written as sorted runs that the partition's sort merges with
 * its own: an HFile is sorted by row, so each file gives every partition one run already in order,
 * written while the file is read once, in bounded memory.
 *
 * <p>A row's cells of one file go in parts of about {@link #PART_BYTES}; each file is its own
 * "region" (the load's region and the file's name) so that no part of one file is taken for a
 * re-shipped copy of another's.
 */
final class BulkLoadRuns {

  /** Offsets of bulk-loaded entries start here, above any Kafka offset: they name the file they come from. */
  static final long FIRST_OFFSET = 1L << 62;
  private static final long PART_BYTES = 1L << 20;

  /** The runs written, per partition, and the file each range of offsets comes from. */
  static final class Written {
    final Map<Integer, List<java.nio.file.Path>> runs = new TreeMap<>();
    final NavigableMap<Long, String> files = new TreeMap<>();
    long cells;
    long fileCount;
    long bytes;
  }

  private final ObjectStore store;
  private final KeyRing keys;
  private final SpillDirectory spill;
  private final Configuration conf;
  private long nextOffset = FIRST_OFFSET;

  BulkLoadRuns(ObjectStore store, KeyRing keys, SpillDirectory spill, Configuration conf) {
    this.store = store;
    this.keys = keys;
    this.spill = spill;
    this.conf = conf;
  }

  /**
   * Writes the runs of every file of the loads whose family {@code keepsFamily} accepts (per table).
   *
   * @throws BaseFileException when a file is missing or damaged
   */
  Written write(List<BulkLoadManifest> loads, Map<String, TableTimeline.TableAtTime> tables) throws IOException {
    Written written = new Written();
    FileSystem local = FileSystem.getLocal(conf).getRaw();
    for (BulkLoadManifest load : loads) {
      if (load.editsPartitions < 1) {
        throw new IOException("the bulk-load record of " + load + " names no partition count of the edits topic (" + load.editsPartitions
            + "): it was not written by a Rewind endpoint");
      }
      TableTimeline.TableAtTime table = tables.get(load.table);
      for (BaseFile f : load.files) {
        if (table != null && !table.keepsCell(f.family, load.writeTime)) {
          continue;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("restore interrupted while reading bulk-loaded files");
        }
        Path staged = new Path(spill.newFile("bulkload-").toUri());
        try {
          StagedFiles.stage(store, keys, f, local, staged, load.toString(), "the load's cells cannot be restored: restore to a time before it ("
              + io.rewind.core.time.TimeParser.format(load.writeTime) + "), or take a base of " + load.table
              + " (rewind base) and restore to a time after the base");
          written.files.put(nextOffset, f.key + " (" + load + ")");
          written.cells += split(load, f, local, staged, written.runs);
          written.fileCount++;
          written.bytes += f.size;
        } finally {
          local.delete(staged, false);
        }
      }
    }
    return written;
  }

  /** Reads one staged HFile and appends each row's edits to its partition's run; returns the cells read. */
  private long split(BulkLoadManifest load, BaseFile f, FileSystem local, Path staged, Map<Integer, List<java.nio.file.Path>> runs)
      throws IOException {
    Map<Integer, RunFile> open = new HashMap<>();
    QueueId queue = QueueId.newBuilder().setServer(nullToEmpty(load.queueServer)).setWalGroup(nullToEmpty(load.queueWalGroup)).build();
    String region = load.region + "/" + f.name;
    long cells = 0;
    try (HFile.Reader reader = HFile.createReader(local, staged, CacheConfig.DISABLED, true, conf)) {
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
              emit(load, region, queue, row, part, partIndex, open);
            }
            row = CellUtil.cloneRow(c);
            part = new ArrayList<>();
            partBytes = 0;
            partIndex = 0;
          } else if (partBytes >= PART_BYTES) {
            emit(load, region, queue, row, part, partIndex++, open);
            part = new ArrayList<>();
            partBytes = 0;
          }
          part.add(io.rewind.schemas.Cell.newBuilder()
              .setFamily(ByteBuffer.wrap(CellUtil.cloneFamily(c)))
              .setQualifier(ByteBuffer.wrap(CellUtil.cloneQualifier(c)))
              .setTimestamp(c.getTimestamp())
              .setType(typeOf(c, f))
              .setValue(ByteBuffer.wrap(CellUtil.cloneValue(c)))
              .build());
          partBytes += c.getSerializedSize();
          cells++;
        } while (scanner.next());
        emit(load, region, queue, row, part, partIndex, open);
      }
    } finally {
      for (Map.Entry<Integer, RunFile> e : open.entrySet()) {
        e.getValue().close();
        runs.computeIfAbsent(e.getKey(), p -> new ArrayList<>()).add(e.getValue().path);
      }
    }
    return cells;
  }

  private void emit(BulkLoadManifest load, String region, QueueId queue, byte[] row, List<io.rewind.schemas.Cell> cells, int part,
      Map<Integer, RunFile> open) throws IOException {
    WalEdit edit = WalEdit.newBuilder()
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
    int partition = EditKey.partition(key, load.editsPartitions);
    RunFile run = open.get(partition);
    if (run == null) {
      run = new RunFile(spill.newFile("bulkload-run-"));
      open.put(partition, run);
    }
    run.writer.add(key, 0, key.length, nextOffset++, value.array(), value.arrayOffset() + value.position(), value.remaining());
  }

  private static CellType typeOf(Cell c, BaseFile f) throws IOException {
    switch (c.getType()) {
      case Put:
        return CellType.PUT;
      case Delete:
        return CellType.DELETE;
      case DeleteColumn:
        return CellType.DELETE_COLUMN;
      case DeleteFamily:
        return CellType.DELETE_FAMILY;
      case DeleteFamilyVersion:
        return CellType.DELETE_FAMILY_VERSION;
      default:
        throw new IOException("the bulk-loaded file " + f.key + " holds a cell of type " + c.getType() + ", which HBase never writes to an HFile"
            + " it loads: the file is not an HFile of a table");
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** One run being written. */
  private static final class RunFile {
    final java.nio.file.Path path;
    final OutputStream out;
    final SortedRun.Writer writer;

    RunFile(java.nio.file.Path path) throws IOException {
      this.path = path;
      this.out = Files.newOutputStream(path);
      this.writer = new SortedRun.Writer(out);
    }

    void close() throws IOException {
      try {
        writer.flush();
      } finally {
        out.close();
      }
    }
  }
}
