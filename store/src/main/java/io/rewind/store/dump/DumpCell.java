package io.rewind.store.dump;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * One visible cell version in a table dump. Ordered as HBase orders cells: row, family and
 * qualifier by unsigned bytes ascending, then timestamp descending.
 */
public final class DumpCell implements Comparable<DumpCell> {

  public static final Comparator<DumpCell> ORDER =
      Comparator.<DumpCell, byte[]>comparing(c -> c.row, Arrays::compareUnsigned)
          .thenComparing(c -> c.family, Arrays::compareUnsigned)
          .thenComparing(c -> c.qualifier, Arrays::compareUnsigned)
          .thenComparing(c -> c.timestamp, Comparator.reverseOrder());

  private final byte[] row;
  private final byte[] family;
  private final byte[] qualifier;
  private final long timestamp;
  private final byte[] value;

  public DumpCell(byte[] row, byte[] family, byte[] qualifier, long timestamp, byte[] value) {
    this.row = row;
    this.family = family;
    this.qualifier = qualifier;
    this.timestamp = timestamp;
    this.value = value;
  }

  public byte[] row() {
    return row;
  }

  public byte[] family() {
    return family;
  }

  public byte[] qualifier() {
    return qualifier;
  }

  public long timestamp() {
    return timestamp;
  }

  public byte[] value() {
    return value;
  }

  @Override
  public int compareTo(DumpCell o) {
    return ORDER.compare(this, o);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DumpCell)) {
      return false;
    }
    DumpCell c = (DumpCell) o;
    return timestamp == c.timestamp
        && Arrays.equals(row, c.row)
        && Arrays.equals(family, c.family)
        && Arrays.equals(qualifier, c.qualifier)
        && Arrays.equals(value, c.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(row),
        Arrays.hashCode(family),
        Arrays.hashCode(qualifier),
        timestamp,
        Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return CellDump.line(this);
  }
}
