package io.rewind.restore;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;

/**
 * Entries read one at a time, each a key, the offset it was read at and a value, in (key as
 * unsigned bytes, offset) order. An entry's key and value are ranges of {@link #buffer()}, valid
 * until the next call to {@link #next()}: nothing is allocated per entry.
 */
public interface EntryCursor extends Closeable {

  /** Moves to the next entry; false when there is none. */
  boolean next() throws IOException;

  byte[] buffer();

  int keyOffset();

  int keyLength();

  long offset();

  int valueOffset();

  int valueLength();

  @Override
  default void close() throws IOException {}

  /** The order of entries: key as unsigned bytes, then offset. */
  static int compare(EntryCursor a, EntryCursor b) {
    int c =
        Arrays.compareUnsigned(
            a.buffer(),
            a.keyOffset(),
            a.keyOffset() + a.keyLength(),
            b.buffer(),
            b.keyOffset(),
            b.keyOffset() + b.keyLength());
    return c != 0 ? c : Long.compare(a.offset(), b.offset());
  }
}
