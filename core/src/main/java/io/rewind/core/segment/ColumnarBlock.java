package io.rewind.core.segment;

import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.BlockHeader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Segment format 2 ({@link ArchivedBlock}): records turned into columns and back, byte for byte.
 *
 * <p>Why columns: a record's offset, timestamp and headers barely change from one record to the
 * next, and a WAL edit's value repeats its table, region, row and server names. Interleaved, those
 * cost the compressor a match per field per record; as columns they cost almost nothing. Sorting
 * by key puts the edits of one row side by side, and each value is stored as its difference from
 * the one before it, byte for byte at the same positions, so the compressor sees only the few
 * fields that changed. Values are never decoded: only their bytes are compared. Figures in
 * docs/archivers.md.
 *
 * <p>Pure and deterministic: the same records give the same block.
 */
public final class ColumnarBlock {

  /** Equal bytes shorter than this stay inside a run of differing ones. */
  private static final int MIN_EQUAL_RUN = 4;

  private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private ColumnarBlock() {}

  /** The block of the given records, which must be in ascending offset order. */
  public static ArchivedBlock encode(List<ConsumerRecord<byte[], byte[]>> records) {
    Builder builder = new Builder();
    records.forEach(builder::add);
    return builder.build();
  }

  /**
   * Builds one block in two steps: {@link #add} takes each record while it is fresh in the CPU's
   * cache (the poll thread: offsets, timestamps and header lists go straight to their columns, keys
   * and values are copied into pages), and {@link #build} sorts and writes the rest (a worker
   * thread). Copying costs the poll thread little and lets the record die young: holding Kafka's
   * records until a worker got to them made every young collection copy the blocks in flight, and
   * made the worker chase them through the heap. Not thread-safe; hand it over after the last add.
   */
  public static final class Builder {
    private final Columns offsetGaps = new Columns(4096);
    private final Columns timestamps = new Columns(8192);
    private final Columns headerSetOfRecord = new Columns(4096);
    private final List<List<BlockHeader>> headerSets = new ArrayList<>();
    private final Map<HeaderSet, Integer> setIndex = new HashMap<>();
    /** The last distinct header lists, most recent first: records of a few tables interleave. */
    private final Header[][] recentSets = new Header[RECENT_SETS][];
    private final int[] recentIndex = new int[RECENT_SETS];
    private int recentCount;
    private final Pages keyPages = new Pages(64 * 1024);
    private final Pages valuePages = new Pages(256 * 1024);
    private final Slices keys = new Slices();
    private final Slices values = new Slices();
    private int count;
    private long firstOffset;
    private long previousOffset;
    private long previousTimestamp;

    private static final int RECENT_SETS = 8;

    /** Takes the next record, at an offset above the last one's. */
    public void add(ConsumerRecord<byte[], byte[]> r) {
      if (count == 0) {
        firstOffset = r.offset();
      } else {
        long gap = r.offset() - previousOffset - 1;
        if (gap < 0) {
          throw new IllegalArgumentException("records must be in ascending offset order: " + r.offset() + " after " + previousOffset);
        }
        offsetGaps.writeVarint(gap);
      }
      previousOffset = r.offset();
      timestamps.writeVarint(zigZag(r.timestamp() - previousTimestamp));
      previousTimestamp = r.timestamp();
      headerSetOfRecord.writeVarint(headerSet(r.headers().toArray()));
      keyPages.copy(r.key(), keys, count);
      valuePages.copy(r.value(), values, count);
      count++;
    }

    public int count() {
      return count;
    }

    private int headerSet(Header[] headers) {
      for (int k = 0; k < recentCount; k++) {
        if (sameHeaders(headers, recentSets[k])) {
          return touch(k, recentSets[k], recentIndex[k]);
        }
      }
      HeaderSet set = new HeaderSet(headers);
      Integer index = setIndex.get(set);
      if (index == null) {
        index = headerSets.size();
        setIndex.put(set, index);
        headerSets.add(set.toBlockHeaders());
      }
      if (recentCount < RECENT_SETS) {
        recentCount++;
      }
      return touch(recentCount - 1, headers, index);
    }

    /** Moves a header list to the front of the recent ones. */
    private int touch(int at, Header[] headers, int index) {
      System.arraycopy(recentSets, 0, recentSets, 1, at);
      System.arraycopy(recentIndex, 0, recentIndex, 1, at);
      recentSets[0] = headers;
      recentIndex[0] = index;
      return index;
    }

    /** The block of the records added. */
    public ArchivedBlock build() {
      int n = count;
      if (n == 0) {
        throw new IllegalArgumentException("a block holds at least one record");
      }
      int[] order = keyOrder(keys, n);
      Columns orderColumn = new Columns(2L * n);
      Columns keyLengths = new Columns(n);
      Columns keyColumn = new Columns(keyPages.bytes());
      Columns valueLengths = new Columns(2L * n);
      Columns valueShared = new Columns(n);
      Columns valueRuns = new Columns(4L * n);
      Columns valueColumn = new Columns(valuePages.bytes() / 2);
      int previous = -1;
      for (int i : order) {
        orderColumn.writeVarint(i);
        int keyLength = keys.length[i];
        keyLengths.writeVarint(keyLength + 1L);
        if (keyLength > 0) {
          keyColumn.write(keys.page[i], keys.offset[i], keyLength);
        }
        valueLengths.writeVarint(values.length[i] + 1L);
        if (values.length[i] < 0) {
          valueShared.writeVarint(0);
          previous = -1;
        } else {
          writeDifference(values, previous, i, valueShared, valueRuns, valueColumn);
          previous = i;
        }
      }
      return ArchivedBlock.newBuilder()
          .setCount(n)
          .setFirstOffset(firstOffset)
          .setOffsetGaps(offsetGaps.toBuffer())
          .setTimestamps(timestamps.toBuffer())
          .setHeaderSets(headerSets)
          .setHeaderSetOfRecord(headerSetOfRecord.toBuffer())
          .setOrder(orderColumn.toBuffer())
          .setKeyLengths(keyLengths.toBuffer())
          .setKeys(keyColumn.toBuffer())
          .setValueLengths(valueLengths.toBuffer())
          .setValueShared(valueShared.toBuffer())
          .setValueRuns(valueRuns.toBuffer())
          .setValues(valueColumn.toBuffer())
          .build();
    }
  }

  /**
   * The records of a block, in offset order. Records of one header list share its
   * {@link ArchivedHeader} list: read it, do not modify it.
   *
   * @throws IllegalArgumentException naming what does not add up when the block is malformed
   */
  public static List<ArchivedRecord> decode(ArchivedBlock block) {
    int n = block.getCount();
    if (n <= 0) {
      throw new IllegalArgumentException("block record count " + n + " is not positive");
    }
    Reader gaps = new Reader(block.getOffsetGaps(), "offsetGaps");
    Reader timestamps = new Reader(block.getTimestamps(), "timestamps");
    Reader setOfRecord = new Reader(block.getHeaderSetOfRecord(), "headerSetOfRecord");
    List<List<ArchivedHeader>> sets = new ArrayList<>();
    for (List<BlockHeader> set : block.getHeaderSets()) {
      List<ArchivedHeader> headers = new ArrayList<>(set.size());
      for (BlockHeader h : set) {
        headers.add(new ArchivedHeader(h.getKey(), h.getValue()));
      }
      sets.add(headers);
    }
    ArchivedRecord[] records = new ArchivedRecord[n];
    long offset = block.getFirstOffset();
    long timestamp = 0;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        offset += gaps.varint() + 1;
      }
      timestamp += unZigZag(timestamps.varint());
      long set = setOfRecord.varint();
      if (set >= sets.size()) {
        throw new IllegalArgumentException("record " + i + " names header list " + set + " of " + sets.size());
      }
      records[i] = new ArchivedRecord(offset, timestamp, null, sets.get((int) set), null);
    }
    Reader order = new Reader(block.getOrder(), "order");
    Reader keyLengths = new Reader(block.getKeyLengths(), "keyLengths");
    Reader keys = new Reader(block.getKeys(), "keys");
    Reader valueLengths = new Reader(block.getValueLengths(), "valueLengths");
    Reader valueShared = new Reader(block.getValueShared(), "valueShared");
    Reader valueRuns = new Reader(block.getValueRuns(), "valueRuns");
    Reader values = new Reader(block.getValues(), "values");
    boolean[] placed = new boolean[n];
    byte[] previousValue = null;
    for (int p = 0; p < n; p++) {
      long i = order.varint();
      if (i >= n || placed[(int) i]) {
        throw new IllegalArgumentException("stored position " + p + " names record " + i + ", out of range or named twice");
      }
      placed[(int) i] = true;
      ArchivedRecord r = records[(int) i];
      long keyLength = keyLengths.varint();
      r.setKey(keyLength == 0 ? null : ByteBuffer.wrap(keys.bytes(keyLength - 1)));
      long length = valueLengths.varint();
      long shared = valueShared.varint();
      byte[] value = null;
      if (length > 0) {
        value = readDifference(previousValue, length - 1, shared, valueRuns, values, p);
        r.setValue(ByteBuffer.wrap(value));
      } else if (shared != 0) {
        throw new IllegalArgumentException("stored position " + p + " has a null value sharing " + shared + " bytes");
      }
      previousValue = value;
    }
    for (Reader column : List.of(gaps, timestamps, setOfRecord, order, keyLengths, keys, valueLengths, valueShared, valueRuns, values)) {
      column.expectEnd();
    }
    return Arrays.asList(records);
  }

  /**
   * Record indexes sorted by key, then index. Each record's key is read once, into two 8-byte
   * words taken after the prefix all keys share (the table name, most often); the sort compares
   * those words as unsigned longs and reads the keys again only where they tie past 16 bytes.
   * Comparing the keys themselves cost more than compressing the block.
   */
  private static int[] keyOrder(Slices keys, int n) {
    int from = Integer.MAX_VALUE;
    int first = -1;
    for (int i = 0; i < n; i++) {
      if (keys.length[i] < 0) {
        continue;
      }
      if (first < 0) {
        first = i;
        from = keys.length[i];
      } else if (from > 0) {
        from = Math.min(from, keys.sharedPrefix(first, i));
      }
    }
    from = from == Integer.MAX_VALUE ? 0 : from;
    SortKey[] sort = new SortKey[n];
    for (int i = 0; i < n; i++) {
      sort[i] = new SortKey(keys, i, from);
    }
    Arrays.sort(sort); // stable: equal keys stay in offset order
    int[] order = new int[n];
    for (int p = 0; p < n; p++) {
      order[p] = sort[p].index;
    }
    return order;
  }

  /** A record's key, with the 16 bytes after the shared prefix as two big-endian words (zero-padded). */
  private static final class SortKey implements Comparable<SortKey> {
    private final byte[] page;
    private final int offset;
    private final int length;
    private final int from;
    private final long high;
    private final long low;
    private final int index;

    SortKey(Slices keys, int index, int from) {
      this.page = keys.page[index];
      this.offset = keys.offset[index];
      this.length = keys.length[index];
      this.from = from;
      this.index = index;
      this.high = length < 0 ? 0 : word(from);
      this.low = length < 0 ? 0 : word(from + 8);
    }

    private long word(int at) {
      if (at + 8 <= length) {
        return (long) BIG_ENDIAN_LONG.get(page, offset + at);
      }
      long w = 0;
      for (int i = at; i < length; i++) {
        w = w << 8 | (page[offset + i] & 0xFF);
      }
      return at >= length ? 0 : w << 8 * (at + 8 - length);
    }

    @Override
    public int compareTo(SortKey o) {
      if (length < 0 || o.length < 0) {
        return length < 0 ? (o.length < 0 ? 0 : -1) : 1;
      }
      int c = Long.compareUnsigned(high, o.high);
      if (c == 0) {
        c = Long.compareUnsigned(low, o.low);
      }
      if (c != 0) {
        return c;
      }
      // Equal words: equal keys when both end within them, else the bytes past them (or the lengths) decide.
      int end = from + 16;
      if (length <= end && o.length <= end) {
        return Integer.compare(length, o.length);
      }
      return Arrays.compareUnsigned(page, offset, offset + length, o.page, o.offset, o.offset + o.length);
    }
  }

  /** Where each record's key or value lies: a page, an offset in it and a length (-1: null). */
  private static final class Slices {
    byte[][] page = new byte[1024][];
    int[] offset = new int[1024];
    int[] length = new int[1024];

    void set(int i, byte[] in, int at, int len) {
      if (i == page.length) {
        page = Arrays.copyOf(page, i * 2);
        offset = Arrays.copyOf(offset, i * 2);
        length = Arrays.copyOf(length, i * 2);
      }
      page[i] = in;
      offset[i] = at;
      length[i] = len;
    }

    int sharedPrefix(int a, int b) {
      int max = Math.min(length[a], length[b]);
      int mismatch = Arrays.mismatch(page[a], offset[a], offset[a] + max, page[b], offset[b], offset[b] + max);
      return mismatch < 0 ? max : mismatch;
    }
  }

  /**
   * Pages the keys or values of a block are copied into, back to back. Large ones keep their own
   * array (Kafka's, never modified): few, and copying them would only waste a page.
   */
  private static final class Pages {
    private final int size;
    private byte[] page;
    private int used;
    private long bytes;

    Pages(int size) {
      this.size = size;
      this.page = new byte[size];
    }

    void copy(byte[] b, Slices into, int i) {
      if (b == null) {
        into.set(i, null, 0, -1);
        return;
      }
      bytes += b.length;
      if (b.length > size / 4) {
        into.set(i, b, 0, b.length);
        return;
      }
      if (used + b.length > size) {
        page = new byte[size];
        used = 0;
      }
      System.arraycopy(b, 0, page, used, b.length);
      into.set(i, page, used, b.length);
      used += b.length;
    }

    /** Bytes taken in. */
    long bytes() {
      return bytes;
    }
  }

  private static boolean sameHeaders(Header[] a, Header[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (!a[i].key().equals(b[i].key()) || !Arrays.equals(a[i].value(), b[i].value())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A value as its difference from the value stored before it, compared byte for byte at the same
   * positions: the shared prefix, then alternating runs of differing bytes (stored) and equal bytes
   * (not stored) up to the shorter value's end, then the rest. Edits of one row differ mostly in a
   * few fields (write time, sequence id, cell values) between long equal stretches (table, region
   * and server names): this stores the few and leaves the compressor a third fewer bytes.
   */
  private static void writeDifference(Slices values, int previous, int current, Columns shared, Columns runs, Columns literals) {
    byte[] value = values.page[current];
    int base = values.offset[current];
    int length = values.length[current];
    int common = previous < 0 ? 0 : Math.min(values.length[previous], length);
    int at = common == 0 ? 0 : values.sharedPrefix(previous, current);
    shared.writeVarint(at);
    if (at < common) {
      byte[] before = values.page[previous];
      int delta = values.offset[previous] - base; // position in before = position in value + delta
      while (at < common) {
        // The differing run ends where MIN_EQUAL_RUN equal bytes begin: shorter equal stretches
        // are too short to pay for two run lengths and stay inside it.
        int differEnd = at;
        int equal = 0;
        while (equal < MIN_EQUAL_RUN && differEnd + equal < common) {
          if (value[base + differEnd + equal] == before[base + delta + differEnd + equal]) {
            equal++;
          } else {
            differEnd += equal + 1;
            equal = 0;
          }
        }
        int equalEnd = differEnd + equal;
        if (equal == MIN_EQUAL_RUN && equalEnd < common) {
          int mismatch = Arrays.mismatch(before, base + delta + equalEnd, base + delta + common, value, base + equalEnd, base + common);
          equalEnd = mismatch < 0 ? common : equalEnd + mismatch;
        }
        runs.writeVarint(differEnd - at);
        runs.writeVarint(equalEnd - differEnd);
        literals.write(value, base + at, differEnd - at);
        at = equalEnd;
      }
    }
    literals.write(value, base + common, length - common);
  }

  private static byte[] readDifference(byte[] previous, long length, long shared, Reader runs, Reader literals, int p) {
    byte[] value = new byte[Math.toIntExact(length)];
    int common = previous == null ? 0 : Math.min(previous.length, value.length);
    if (shared > common) {
      throw new IllegalArgumentException("stored position " + p + " shares " + shared + " bytes with a shorter value");
    }
    int at = (int) shared;
    System.arraycopy(previous == null ? value : previous, 0, value, 0, at);
    while (at < common) {
      long differ = runs.varint();
      long equal = runs.varint();
      if (differ + equal == 0 || differ + equal > common - at) {
        throw new IllegalArgumentException("stored position " + p + " has runs of " + differ + " and " + equal
            + " bytes at byte " + at + " of the " + common + " it can share");
      }
      literals.read(value, at, (int) differ);
      at += (int) differ;
      System.arraycopy(previous, at, value, at, (int) equal);
      at += (int) equal;
    }
    literals.read(value, common, value.length - common);
    return value;
  }

  private static int sharedPrefix(byte[] a, byte[] b) {
    int max = Math.min(a.length, b.length);
    int mismatch = Arrays.mismatch(a, 0, max, b, 0, max);
    return mismatch < 0 ? max : mismatch;
  }

  private static long zigZag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unZigZag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /** A header list as a map key: keys and values compared by content. */
  private static final class HeaderSet {
    private final String[] keys;
    private final byte[][] values;
    private final int hash;

    HeaderSet(Header[] headers) {
      keys = new String[headers.length];
      values = new byte[headers.length][];
      int h = 1;
      for (int i = 0; i < headers.length; i++) {
        keys[i] = headers[i].key();
        values[i] = headers[i].value();
        h = 31 * (31 * h + keys[i].hashCode()) + Arrays.hashCode(values[i]);
      }
      hash = h;
    }

    List<BlockHeader> toBlockHeaders() {
      List<BlockHeader> list = new ArrayList<>(keys.length);
      for (int i = 0; i < keys.length; i++) {
        list.add(new BlockHeader(keys[i], values[i] == null ? null : ByteBuffer.wrap(values[i])));
      }
      return list;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof HeaderSet)) {
        return false;
      }
      HeaderSet other = (HeaderSet) o;
      return Arrays.equals(keys, other.keys) && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** One column being written: a growable byte array with LEB128 varints. */
  private static final class Columns {
    private byte[] bytes;
    private int size;

    Columns(long capacity) {
      bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, capacity))];
    }

    void writeVarint(long v) {
      if (v >= 0 && v < 0x80 && size < bytes.length) {
        bytes[size++] = (byte) v; // most: gaps, lengths and indexes below 128
        return;
      }
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        bytes[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      bytes[size++] = (byte) v;
    }

    void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
      }
    }

    ByteBuffer toBuffer() {
      return ByteBuffer.wrap(bytes, 0, size);
    }
  }

  /** One column being read, with its name for errors. */
  private static final class Reader {
    private final ByteBuffer in;
    private final String name;

    Reader(ByteBuffer in, String name) {
      this.in = in.duplicate();
      this.name = name;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (!in.hasRemaining()) {
          throw new IllegalArgumentException("column " + name + " ends inside a number");
        }
        byte b = in.get();
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("column " + name + " holds a number longer than 64 bits");
    }

    byte[] bytes(long length) {
      byte[] b = new byte[checkLength(length)];
      in.get(b);
      return b;
    }

    void read(byte[] into, int at, int length) {
      in.get(into, at, checkLength(length));
    }

    private int checkLength(long length) {
      if (length < 0 || length > in.remaining()) {
        throw new IllegalArgumentException("column " + name + " holds " + in.remaining() + " more bytes, a record needs " + length);
      }
      return (int) length;
    }

    void expectEnd() {
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("column " + name + " has " + in.remaining() + " bytes left after the last record");
      }
    }
  }
}
