package io.rewind.restore;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A file of entries in (key, offset) order, written once from a cursor and read back as one: each
 * entry is {@code varint shared | varint suffix length | key suffix | varlong offset | varint value
 * length | value}, where {@code shared} is how many leading bytes its key has in common with the
 * previous entry's (a row's edits share the whole key, a table's rows the table name). Written and
 * read through large buffers; a local scratch file, not a format that outlives the restore.
 */
final class SortedRun {

  static final int WRITE_BUFFER = 256 * 1024;

  private SortedRun() {}

  /** Writes every entry left in {@code entries} to {@code file}; returns the bytes written. */
  static long write(Path file, EntryCursor entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      Writer writer = new Writer(out);
      while (entries.next()) {
        writer.add(entries);
      }
      writer.flush();
      return writer.written;
    }
  }

  /**
   * The entries of a file written by {@link #write}, read through a buffer of {@code bufferBytes}.
   */
  static EntryCursor read(Path file, int bufferBytes) throws IOException {
    return new Reader(Files.newInputStream(file), bufferBytes);
  }

  /** Readers of the runs, all or none. */
  static List<EntryCursor> readAll(List<Path> runs, int bufferBytes) throws IOException {
    List<EntryCursor> cursors = new ArrayList<>(runs.size() + 1);
    try {
      for (Path run : runs) {
        cursors.add(read(run, bufferBytes));
      }
    } catch (IOException e) {
      for (EntryCursor c : cursors) {
        c.close();
      }
      throw e;
    }
    return cursors;
  }

  /**
   * Merges runs into new ones until at most {@code maxOpen} are left, so that merging them needs no
   * more open files than that: each pass merges the first runs, at most {@code maxOpen} and no more
   * than needed (the fewer bytes rewritten), deletes them and appends the new run to {@code runs}.
   *
   * @param newRun names each new run file
   * @return bytes written
   */
  static long reduce(List<Path> runs, int maxOpen, Supplier<Path> newRun, int bufferBytes)
      throws IOException {
    if (maxOpen < 2) {
      throw new IllegalArgumentException("a merge needs at least 2 open runs, not " + maxOpen);
    }
    long written = 0;
    while (runs.size() > maxOpen) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("restore interrupted while merging sorted runs");
      }
      List<Path> group = runs.subList(0, Math.min(maxOpen, runs.size() - maxOpen + 1));
      Path merged = newRun.get();
      try (RunMerger merger = new RunMerger(readAll(group, bufferBytes))) {
        written += write(merged, merger);
      }
      for (Path run : group) {
        Files.deleteIfExists(run);
      }
      group.clear();
      runs.add(merged);
    }
    return written;
  }

  /** Encodes entries into a buffer flushed to the stream when full. */
  static final class Writer {
    private final OutputStream out;
    private final byte[] buffer = new byte[WRITE_BUFFER];
    private int filled;
    private byte[] previousKey = new byte[64];
    private int previousLength;
    long written;

    Writer(OutputStream out) {
      this.out = out;
    }

    void add(EntryCursor e) throws IOException {
      add(
          e.buffer(),
          e.keyOffset(),
          e.keyLength(),
          e.offset(),
          e.buffer(),
          e.valueOffset(),
          e.valueLength());
    }

    /** Appends an entry; entries must come in (key, offset) order. */
    void add(
        byte[] keys, int key, int keyLength, long offset, byte[] values, int value, int valueLength)
        throws IOException {
      int common = Math.min(keyLength, previousLength);
      int m = Arrays.mismatch(previousKey, 0, common, keys, key, key + common);
      int shared = m < 0 ? common : m;
      int suffix = keyLength - shared;
      ensure(5 + 5);
      putVarint(shared);
      putVarint(suffix);
      put(keys, key + shared, suffix);
      ensure(10 + 5);
      putVarint(offset);
      putVarint(valueLength);
      put(values, value, valueLength);
      if (keyLength > previousKey.length) {
        previousKey = Arrays.copyOf(previousKey, Math.max(keyLength, 2 * previousKey.length));
      }
      System.arraycopy(keys, key + shared, previousKey, shared, suffix);
      previousLength = keyLength;
    }

    void flush() throws IOException {
      out.write(buffer, 0, filled);
      written += filled;
      filled = 0;
      out.flush();
    }

    private void ensure(int bytes) throws IOException {
      if (buffer.length - filled < bytes) {
        out.write(buffer, 0, filled);
        written += filled;
        filled = 0;
      }
    }

    private void put(byte[] from, int at, int length) throws IOException {
      while (length > 0) {
        if (filled == buffer.length) {
          ensure(buffer.length);
        }
        int n = Math.min(length, buffer.length - filled);
        System.arraycopy(from, at, buffer, filled, n);
        filled += n;
        at += n;
        length -= n;
      }
    }

    private void putVarint(long v) {
      while ((v & ~0x7FL) != 0) {
        buffer[filled++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buffer[filled++] = (byte) v;
    }
  }

  /** Decodes entries into one growing array: the key, then the value. */
  static final class Reader extends ContiguousEntryCursor {
    private final InputStream in;
    private final byte[] input;
    private int position;
    private int limit;

    Reader(InputStream in, int bufferBytes) {
      this.in = in;
      this.input = new byte[bufferBytes];
    }

    @Override
    public boolean next() throws IOException {
      if (position == limit && !fill()) {
        return false;
      }
      int shared = (int) varint();
      int suffix = (int) varint();
      int length = shared + suffix;
      if (shared > keyLength()) {
        throw new IOException(
            "a sorted run's entry shares "
                + shared
                + " bytes of a "
                + keyLength()
                + "-byte key: the spill file is damaged");
      }
      take(reserve(length), shared, suffix);
      long offset = varint();
      int valueLength = (int) varint();
      take(reserve(length + valueLength), length, valueLength);
      entry(length, offset, valueLength);
      return true;
    }

    private boolean fill() throws IOException {
      position = 0;
      limit = in.readNBytes(input, 0, input.length);
      return limit > 0;
    }

    private long varint() throws IOException {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        if (position == limit && !fill()) {
          throw new EOFException("a sorted run ends inside an entry: the spill file is truncated");
        }
        byte b = input[position++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
    }

    private void take(byte[] to, int at, int length) throws IOException {
      while (length > 0) {
        if (position == limit && !fill()) {
          throw new EOFException("a sorted run ends inside an entry: the spill file is truncated");
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(input, position, to, at, n);
        position += n;
        at += n;
        length -= n;
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
