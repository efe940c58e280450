package io.rewind.restore;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
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

/**
 * The cells of captured bulk loads as edits of the local replay ({@link BulkLoadCells}), written as
 * sorted runs per edits partition that the partition's sort merges with its own: an HFile is sorted
 * by row, so each file gives every partition one run already in order, written while the file is
 * read once, in bounded memory.
 */
final class BulkLoadRuns {

  /**
   * Offsets of bulk-loaded entries start here, above any Kafka offset: they name the file they come
   * from.
   */
  static final long FIRST_OFFSET = BulkLoadCells.FIRST_OFFSET;

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
   * Writes the runs of every file of the loads whose family the table keeps.
   *
   * @throws BaseImageFileException when a file is missing or damaged
   */
  Written write(List<BulkLoadManifest> loads, Map<String, TableTimeline.TableAtTime> tables)
      throws IOException {
    Written written = new Written();
    FileSystem local = FileSystem.getLocal(conf).getRaw();
    for (BulkLoadManifest load : loads) {
      for (BaseImageFile f : BulkLoadCells.replayedFiles(load, tables.get(load.table))) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("restore interrupted while reading bulk-loaded files");
        }
        Path staged = new Path(spill.newFile("bulkload-").toUri());
        Map<Integer, RunFile> open = new HashMap<>();
        try {
          BulkLoadCells.stage(store, keys, load, f, local, staged);
          written.files.put(nextOffset, f.key + " (" + load + ")");
          BulkLoadCells.Read read =
              BulkLoadCells.read(
                  load,
                  f,
                  local,
                  staged,
                  conf,
                  nextOffset,
                  (partition, key, offset, value) -> {
                    RunFile run = open.get(partition);
                    if (run == null) {
                      run = new RunFile(spill.newFile("bulkload-run-"));
                      open.put(partition, run);
                    }
                    run.writer.add(
                        key,
                        0,
                        key.length,
                        offset,
                        value.array(),
                        value.arrayOffset() + value.position(),
                        value.remaining());
                  });
          nextOffset = read.nextOffset();
          written.cells += read.cells();
          written.fileCount++;
          written.bytes += f.size;
        } finally {
          for (Map.Entry<Integer, RunFile> e : open.entrySet()) {
            e.getValue().close();
            written.runs.computeIfAbsent(e.getKey(), p -> new ArrayList<>()).add(e.getValue().path);
          }
          local.delete(staged, false);
        }
      }
    }
    return written;
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
