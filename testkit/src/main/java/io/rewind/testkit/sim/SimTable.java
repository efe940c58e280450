package io.rewind.testkit.sim;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated table: its families, its row key space ({@code r00000}...) and its regions (row
 * ranges).
 */
final class SimTable {

  private static final String[] NAMES = {
    "sim:orders", "sim:users", "sim:events", "sim:metrics", "sim:audit"
  };
  private static final String[][] FAMILIES = {
    {"d", "m"}, {"info"}, {"e", "meta", "x"}, {"v"}, {"a", "b"}
  };
  static final int QUALIFIERS = 4;

  private final String name;
  private final List<byte[]> families;
  private final int rows;
  private final List<SimRegion> regions;

  private SimTable(String name, List<byte[]> families, int rows, int regionCount, Random layout) {
    this.name = name;
    this.families = Collections.unmodifiableList(families);
    this.rows = rows;
    List<SimRegion> rs = new ArrayList<>();
    for (int i = 0; i < regionCount; i++) {
      int start = (int) ((long) rows * i / regionCount);
      int end = (int) ((long) rows * (i + 1) / regionCount);
      String encoded = String.format("%016x%016x", layout.nextLong(), layout.nextLong());
      rs.add(new SimRegion(this, encoded, start, end, 1 + layout.nextInt(1000)));
    }
    this.regions = Collections.unmodifiableList(rs);
  }

  /** The i-th table of a fleet: the first five have fixed names and distinct families. */
  static SimTable create(int i, int rows, int regionCount, Random layout) {
    String name = i < NAMES.length ? NAMES[i] : "sim:table" + i;
    List<byte[]> fams = new ArrayList<>();
    for (String f : FAMILIES[i % FAMILIES.length]) {
      fams.add(f.getBytes(StandardCharsets.UTF_8));
    }
    return new SimTable(name, fams, rows, regionCount, layout);
  }

  String name() {
    return name;
  }

  List<byte[]> families() {
    return families;
  }

  int rows() {
    return rows;
  }

  List<SimRegion> regions() {
    return regions;
  }

  /**
   * "r" and the index, zero-padded to 5 digits (as "r%05d"; String.format was a hot spot of the
   * writer).
   */
  static byte[] rowKey(int index) {
    String digits = Integer.toString(index);
    StringBuilder key = new StringBuilder(6).append('r');
    for (int i = digits.length(); i < 5; i++) {
      key.append('0');
    }
    return key.append(digits).toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] qualifier(int index) {
    return ("q" + index).getBytes(StandardCharsets.UTF_8);
  }

  SimRegion regionOf(int rowIndex) {
    for (SimRegion r : regions) {
      if (rowIndex < r.endRow()) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "row " + rowIndex + " is outside table " + name + " (" + rows + " rows)");
  }

  /**
   * The descriptor as a source table of the oracle has it: every version kept, deleted cells kept.
   */
  TableDescriptor descriptor(long now) {
    List<FamilyDescriptor> fams = new ArrayList<>();
    for (byte[] f : families) {
      fams.add(
          FamilyDescriptor.newBuilder()
              .setName(new String(f, StandardCharsets.UTF_8))
              .setMaxVersions(Integer.MAX_VALUE)
              .setKeepDeletedCells("TRUE")
              .setReplicationScope(1)
              .build());
    }
    List<ByteBuffer> splits = new ArrayList<>();
    for (int i = 1; i < regions.size(); i++) {
      splits.add(ByteBuffer.wrap(rowKey(regions.get(i).startRow())));
    }
    return TableDescriptor.newBuilder()
        .setTable(name)
        .setFamilies(fams)
        .setSplitKeys(splits)
        .setConfiguration(Map.of("rewind.source", "fleet-simulator"))
        .setUpdatedAt(now)
        .build();
  }
}
