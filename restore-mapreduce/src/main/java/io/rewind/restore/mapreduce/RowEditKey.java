package io.rewind.restore.mapreduce;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.io.WritableComparable;
import org.apache.hadoop.io.WritableComparator;
import org.apache.hadoop.io.WritableUtils;

/**
 * The shuffle's key of one archived edit: its record key ({@code table 0x00 row}) and the offset it
 * was read at. Sorted by key as unsigned bytes, then offset: the order of the local engine's
 * external sort, so a reducer reads a row's edits together and rows in HBase's order. Grouped by
 * the record key alone ({@link RowComparator}).
 */
public final class RowEditKey implements WritableComparable<RowEditKey> {

  private byte[] key = new byte[0];
  private int length;
  private long offset;

  public RowEditKey() {}

  RowEditKey(byte[] key, long offset) {
    set(key, key.length, offset);
  }

  void set(byte[] bytes, int length, long offset) {
    if (key.length < length) {
      key = new byte[Math.max(length, 2 * key.length)];
    }
    System.arraycopy(bytes, 0, key, 0, length);
    this.length = length;
    this.offset = offset;
  }

  byte[] bytes() {
    return key;
  }

  int length() {
    return length;
  }

  long offset() {
    return offset;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    WritableUtils.writeVInt(out, length);
    out.write(key, 0, length);
    out.writeLong(offset);
  }

  @Override
  public void readFields(DataInput in) throws IOException {
    int n = WritableUtils.readVInt(in);
    if (key.length < n) {
      key = new byte[Math.max(n, 2 * key.length)];
    }
    in.readFully(key, 0, n);
    length = n;
    offset = in.readLong();
  }

  @Override
  public int compareTo(RowEditKey o) {
    int c = Arrays.compareUnsigned(key, 0, length, o.key, 0, o.length);
    return c != 0 ? c : Long.compare(offset, o.offset);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowEditKey k && compareTo(k) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * WritableComparator.hashBytes(key, length) + Long.hashCode(offset);
  }

  /** Key bytes, then offset, compared in their serialized form. */
  public static final class Comparator extends WritableComparator {
    public Comparator() {
      super(RowEditKey.class, true);
    }

    @Override
    public int compare(byte[] b1, int s1, int l1, byte[] b2, int s2, int l2) {
      try {
        int n1 = readVInt(b1, s1);
        int n2 = readVInt(b2, s2);
        int k1 = s1 + WritableUtils.decodeVIntSize(b1[s1]);
        int k2 = s2 + WritableUtils.decodeVIntSize(b2[s2]);
        int c = compareBytes(b1, k1, n1, b2, k2, n2);
        return c != 0 ? c : Long.compare(readLong(b1, k1 + n1), readLong(b2, k2 + n2));
      } catch (IOException e) {
        throw new IllegalArgumentException("a shuffle key that does not decode", e);
      }
    }
  }

  /** The record key alone: one reduce group per row. */
  public static final class RowComparator extends WritableComparator {
    public RowComparator() {
      super(RowEditKey.class, true);
    }

    @Override
    public int compare(byte[] b1, int s1, int l1, byte[] b2, int s2, int l2) {
      try {
        int n1 = readVInt(b1, s1);
        int n2 = readVInt(b2, s2);
        return compareBytes(
            b1,
            s1 + WritableUtils.decodeVIntSize(b1[s1]),
            n1,
            b2,
            s2 + WritableUtils.decodeVIntSize(b2[s2]),
            n2);
      } catch (IOException e) {
        throw new IllegalArgumentException("a shuffle key that does not decode", e);
      }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public int compare(WritableComparable a, WritableComparable b) {
      RowEditKey x = (RowEditKey) a;
      RowEditKey y = (RowEditKey) b;
      return Arrays.compareUnsigned(x.key, 0, x.length, y.key, 0, y.length);
    }
  }

  static {
    WritableComparator.define(RowEditKey.class, new Comparator());
  }
}
