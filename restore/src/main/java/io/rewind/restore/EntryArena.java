package io.rewind.restore;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Entries (key, offset, value) held in memory up to a budget, then sorted by (key, offset). Not one
 * object per entry: the bytes are appended to one array ({@code key length | value length | key |
 * value}) and each entry costs {@value #INDEX_BYTES} bytes of index (its position and offset, and
 * at sort time a key prefix and two sort slots), all counted against the budget. The arrays grow as
 * entries arrive, so a small partition holds little, and are kept across {@link #clear()} for the
 * next fill. Not thread-safe.
 */
final class EntryArena {

  /**
   * Per entry: position (int), offset (long), sort prefix (long), order and merge slots (2 ints).
   */
  static final int INDEX_BYTES = 4 + 8 + 8 + 4 + 4;

  private static final int ENTRY_HEADER = 8;
  private static final int FIRST_DATA_BYTES = 1 << 20;
  private static final int FIRST_ENTRIES = 8 * 1024;

  /** Below this many entries a range is sorted by insertion. */
  private static final int INSERTION_SORT = 16;

  private final long budget;
  private byte[] data = new byte[0];
  private int used;
  private int[] position = new int[0];
  private long[] offset = new long[0];
  private long[] prefix = new long[0];
  private int[] order = new int[0];
  private int[] scratch = new int[0];
  private int size;

  /** Length of the prefix every key shares, found at sort time: comparisons start after it. */
  private int shared;

  /**
   * @param budget bytes of data and index together; an entry larger than the whole budget is still
   *     taken alone
   */
  EntryArena(long budget) {
    this.budget = Math.min(budget, Integer.MAX_VALUE - 8L);
  }

  int size() {
    return size;
  }

  /** Bytes of data and index held. */
  long bytes() {
    return (long) data.length + (long) position.length * INDEX_BYTES;
  }

  /**
   * Appends an entry (a null key as an empty one); false, taking nothing, when it does not fit in
   * the budget beside those held. An empty arena takes any entry.
   */
  boolean add(ByteBuffer key, long entryOffset, ByteBuffer value) {
    int keyLength = key == null ? 0 : key.remaining();
    int valueLength = value.remaining();
    long need = (long) used + ENTRY_HEADER + keyLength + valueLength;
    if (!reserve(need, size + 1)) {
      return false;
    }
    int at = used;
    putInt(at, keyLength);
    putInt(at + 4, valueLength);
    if (keyLength > 0) {
      key.duplicate().get(data, at + ENTRY_HEADER, keyLength);
    }
    value.duplicate().get(data, at + ENTRY_HEADER + keyLength, valueLength);
    position[size] = at;
    offset[size] = entryOffset;
    size++;
    used = (int) need;
    return true;
  }

  /**
   * Grows the arrays to hold {@code dataBytes} and {@code entries} within the budget, or says it
   * cannot. Each doubles as it fills, up to where the budget splits if the entries to come are as
   * large as those held, so that data and index fill up together.
   */
  private boolean reserve(long dataBytes, int entries) {
    if (dataBytes <= data.length && entries <= position.length) {
      return true;
    }
    double perEntry = size == 0 ? dataBytes : (double) used / size;
    long fitting = (long) (budget / (perEntry + INDEX_BYTES));
    long dataCap = (long) (fitting * perEntry);
    long newData = data.length;
    if (dataBytes > data.length) {
      newData =
          Math.max(dataBytes, Math.min(Math.max(FIRST_DATA_BYTES, 2L * data.length), dataCap));
    }
    long newEntries = position.length;
    if (entries > position.length) {
      long room = (budget - newData) / INDEX_BYTES;
      newEntries =
          Math.max(
              entries,
              Math.min(
                  Math.min(Math.max(FIRST_ENTRIES, 2L * position.length), fitting),
                  Math.max(room, 0)));
    }
    if (newData + newEntries * INDEX_BYTES > budget && size > 0) {
      return false;
    }
    if (newData > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          "an entry of " + dataBytes + " bytes does not fit in one arena");
    }
    if (newData > data.length) {
      data = Arrays.copyOf(data, (int) newData);
    }
    if (newEntries > position.length) {
      int n = (int) newEntries;
      position = Arrays.copyOf(position, n);
      offset = Arrays.copyOf(offset, n);
      prefix = new long[n];
      order = new int[n];
      scratch = new int[n];
    }
    return true;
  }

  /** Forgets every entry; keeps the arrays for the next fill. */
  void clear() {
    size = 0;
    used = 0;
  }

  /** The entries in (key, offset) order, until the next {@link #add} or {@link #clear}. */
  EntryCursor sorted() {
    sort();
    return new Cursor();
  }

  private void sort() {
    shared = sharedPrefix();
    for (int i = 0; i < size; i++) {
      prefix[i] = prefixAfterShared(i);
      order[i] = i;
    }
    mergeSort(0, size);
  }

  /** How many leading bytes every key has in common. */
  private int sharedPrefix() {
    if (size == 0) {
      return 0;
    }
    int first = position[0] + ENTRY_HEADER;
    int common = keyLength(0);
    for (int i = 1; i < size && common > 0; i++) {
      int key = position[i] + ENTRY_HEADER;
      int m =
          Arrays.mismatch(
              data, first, first + common, data, key, key + Math.min(common, keyLength(i)));
      if (m >= 0) {
        common = m;
      }
    }
    return common;
  }

  /**
   * The eight key bytes after the shared prefix, big-endian and zero-padded: they order as the keys
   * do, unsigned.
   */
  private long prefixAfterShared(int entry) {
    int from = position[entry] + ENTRY_HEADER + shared;
    int available = keyLength(entry) - shared;
    long p = 0;
    for (int b = 0; b < 8; b++) {
      p = (p << 8) | (b < available ? data[from + b] & 0xff : 0);
    }
    return p;
  }

  private int compare(int a, int b) {
    int c = Long.compareUnsigned(prefix[a], prefix[b]);
    if (c != 0) {
      return c;
    }
    int ka = position[a] + ENTRY_HEADER;
    int kb = position[b] + ENTRY_HEADER;
    c =
        Arrays.compareUnsigned(
            data, ka + shared, ka + keyLength(a), data, kb + shared, kb + keyLength(b));
    return c != 0 ? c : Long.compare(offset[a], offset[b]);
  }

  /** Sorts order[from, to) with scratch as the merge buffer. */
  private void mergeSort(int from, int to) {
    if (to - from <= INSERTION_SORT) {
      for (int i = from + 1; i < to; i++) {
        int e = order[i];
        int j = i - 1;
        for (; j >= from && compare(order[j], e) > 0; j--) {
          order[j + 1] = order[j];
        }
        order[j + 1] = e;
      }
      return;
    }
    int middle = (from + to) >>> 1;
    mergeSort(from, middle);
    mergeSort(middle, to);
    if (compare(order[middle - 1], order[middle]) <= 0) {
      return;
    }
    System.arraycopy(order, from, scratch, from, to - from);
    int left = from;
    int right = middle;
    for (int k = from; k < to; k++) {
      if (right >= to || (left < middle && compare(scratch[left], scratch[right]) <= 0)) {
        order[k] = scratch[left++];
      } else {
        order[k] = scratch[right++];
      }
    }
  }

  private int keyLength(int entry) {
    return getInt(position[entry]);
  }

  private int getInt(int at) {
    return (data[at] & 0xff) << 24
        | (data[at + 1] & 0xff) << 16
        | (data[at + 2] & 0xff) << 8
        | (data[at + 3] & 0xff);
  }

  private void putInt(int at, int v) {
    data[at] = (byte) (v >>> 24);
    data[at + 1] = (byte) (v >>> 16);
    data[at + 2] = (byte) (v >>> 8);
    data[at + 3] = (byte) v;
  }

  /** The sorted entries, read in place. */
  private final class Cursor implements EntryCursor {
    private int next;
    private int entry = -1;

    @Override
    public boolean next() {
      if (next >= size) {
        entry = -1;
        return false;
      }
      entry = order[next++];
      return true;
    }

    @Override
    public byte[] buffer() {
      return data;
    }

    @Override
    public int keyOffset() {
      return position[entry] + ENTRY_HEADER;
    }

    @Override
    public int keyLength() {
      return EntryArena.this.keyLength(entry);
    }

    @Override
    public long offset() {
      return offset[entry];
    }

    @Override
    public int valueOffset() {
      return keyOffset() + keyLength();
    }

    @Override
    public int valueLength() {
      return getInt(position[entry] + 4);
    }
  }
}
