package io.rewind.restore;

import java.util.Arrays;

/**
 * An {@link EntryCursor} whose entry is one growing array, the key at its start and the value right
 * after it: what a sorted run's reader and the MapReduce reducer's shuffle both decode into.
 */
public abstract class ContiguousEntryCursor implements EntryCursor {

  private byte[] entry = new byte[256];
  private int keyLength;
  private long offset;
  private int valueLength;

  /** The entry's array, at least {@code bytes} long, keeping what it held. */
  protected final byte[] reserve(int bytes) {
    if (bytes > entry.length) {
      entry = Arrays.copyOf(entry, Math.max(bytes, 2 * entry.length));
    }
    return entry;
  }

  /** The current entry, once its key and value are in the array. */
  protected final void entry(int keyBytes, long entryOffset, int valueBytes) {
    this.keyLength = keyBytes;
    this.offset = entryOffset;
    this.valueLength = valueBytes;
  }

  @Override
  public final byte[] buffer() {
    return entry;
  }

  @Override
  public final int keyOffset() {
    return 0;
  }

  @Override
  public final int keyLength() {
    return keyLength;
  }

  @Override
  public final long offset() {
    return offset;
  }

  @Override
  public final int valueOffset() {
    return keyLength;
  }

  @Override
  public final int valueLength() {
    return valueLength;
  }
}
