package io.rewind.producer;

import io.rewind.schemas.CellType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One cell of a WAL entry as HBase's WAL holds it: row, family, qualifier, timestamp, type, value.
 * Delete markers carry the concrete timestamp the region server resolved before appending.
 */
public final class WalCell {

  private static final byte[] EMPTY = new byte[0];

  private final byte[] row;
  private final byte[] family;
  private final byte[] qualifier;
  private final long timestamp;
  private final CellType type;
  private final byte[] value;

  public WalCell(
      byte[] row, byte[] family, byte[] qualifier, long timestamp, CellType type, byte[] value) {
    this.row = Objects.requireNonNull(row, "row");
    this.family = Objects.requireNonNull(family, "family");
    this.qualifier = qualifier == null ? EMPTY : qualifier;
    this.timestamp = timestamp;
    this.type = Objects.requireNonNull(type, "type");
    this.value = value == null ? EMPTY : value;
  }

  public static WalCell put(
      byte[] row, byte[] family, byte[] qualifier, long timestamp, byte[] value) {
    return new WalCell(row, family, qualifier, timestamp, CellType.PUT, value);
  }

  /** Delete (one version): masks exactly the version at {@code timestamp}. */
  public static WalCell delete(byte[] row, byte[] family, byte[] qualifier, long timestamp) {
    return new WalCell(row, family, qualifier, timestamp, CellType.DELETE, EMPTY);
  }

  /** DeleteColumn: masks every version of the column at or below {@code timestamp}. */
  public static WalCell deleteColumn(byte[] row, byte[] family, byte[] qualifier, long timestamp) {
    return new WalCell(row, family, qualifier, timestamp, CellType.DELETE_COLUMN, EMPTY);
  }

  /**
   * DeleteFamily: masks every version of every column of the family at or below {@code timestamp}.
   */
  public static WalCell deleteFamily(byte[] row, byte[] family, long timestamp) {
    return new WalCell(row, family, EMPTY, timestamp, CellType.DELETE_FAMILY, EMPTY);
  }

  /**
   * DeleteFamilyVersion: masks the version at exactly {@code timestamp} of every column of the
   * family.
   */
  public static WalCell deleteFamilyVersion(byte[] row, byte[] family, long timestamp) {
    return new WalCell(row, family, EMPTY, timestamp, CellType.DELETE_FAMILY_VERSION, EMPTY);
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

  public CellType type() {
    return type;
  }

  public byte[] value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WalCell)) {
      return false;
    }
    WalCell c = (WalCell) o;
    return timestamp == c.timestamp
        && type == c.type
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
        type,
        Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return new String(row, StandardCharsets.UTF_8)
        + "/"
        + new String(family, StandardCharsets.UTF_8)
        + ":"
        + new String(qualifier, StandardCharsets.UTF_8)
        + "/"
        + timestamp
        + "/"
        + type
        + "/"
        + value.length
        + "B";
  }
}
