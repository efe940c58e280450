package io.rewind.restore.mapreduce;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.BulkLoadCells;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;

/**
 * The edits of one bulk-loaded file ({@link BulkLoadCells}, as the local engine makes them): the
 * file is staged from the store into the task's directory and checked (SHA-256), read once into a
 * local file of entries, which the task then reads back in order. Disk, not memory, holds the
 * file's cells.
 */
final class BulkLoadFileReader extends RecordReader<RowEditKey, BytesWritable> {

  private final RowEditKey key = new RowEditKey();
  private final BytesWritable value = new BytesWritable();
  private Path dir;
  private DataInputStream entries;
  private long entryCount;
  private long entriesRead;
  private byte[] keyBytes = new byte[64];

  @Override
  public void initialize(InputSplit inputSplit, TaskAttemptContext context) throws IOException {
    BulkLoadFileSplit split = (BulkLoadFileSplit) inputSplit;
    Configuration conf = context.getConfiguration();
    RewindConfig config = JobSettings.config(conf);
    dir = Files.createTempDirectory("rewind-bulkload");
    Path staged = dir.resolve("staged.hfile");
    Path entryFile = dir.resolve("entries");
    FileSystem local = FileSystem.getLocal(conf).getRaw();
    org.apache.hadoop.fs.Path stagedPath = new org.apache.hadoop.fs.Path(staged.toUri());
    BulkLoadCells.Read read;
    try (ObjectStore store = ObjectStore.open(config)) {
      BulkLoadCells.stage(
          store, KeyRing.fromConfig(config), split.load(), split.file(), local, stagedPath);
    }
    long[] count = new long[1];
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(entryFile), 1 << 16))) {
      read =
          BulkLoadCells.read(
              split.load(),
              split.file(),
              local,
              stagedPath,
              conf,
              split.firstOffset(),
              (partition, k, offset, v) -> {
                out.writeInt(k.length);
                out.write(k);
                out.writeLong(offset);
                out.writeInt(v.remaining());
                out.write(v.array(), v.arrayOffset() + v.position(), v.remaining());
                count[0]++;
              });
    }
    Files.delete(staged);
    entryCount = count[0];
    context.getCounter(RestoreCounters.BULK_LOAD_FILES).increment(1);
    context.getCounter(RestoreCounters.BULK_LOAD_CELLS).increment(read.cells());
    entries =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(entryFile), 1 << 16));
  }

  @Override
  public boolean nextKeyValue() throws IOException {
    if (entriesRead == entryCount) {
      return false;
    }
    try {
      int n = entries.readInt();
      if (keyBytes.length < n) {
        keyBytes = new byte[Math.max(n, 2 * keyBytes.length)];
      }
      entries.readFully(keyBytes, 0, n);
      key.set(keyBytes, n, entries.readLong());
      int v = entries.readInt();
      value.setSize(v);
      entries.readFully(value.getBytes(), 0, v);
    } catch (EOFException e) {
      throw new IOException(
          "the task's file of bulk-loaded entries under "
              + dir
              + " ended early: the task's disk lost it",
          e);
    }
    entriesRead++;
    return true;
  }

  @Override
  public RowEditKey getCurrentKey() {
    return key;
  }

  @Override
  public BytesWritable getCurrentValue() {
    return value;
  }

  @Override
  public float getProgress() {
    return entryCount == 0 ? 1f : (float) entriesRead / entryCount;
  }

  @Override
  public void close() throws IOException {
    if (entries != null) {
      entries.close();
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}
