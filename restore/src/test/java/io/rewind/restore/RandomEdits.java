package io.rewind.restore;

import io.rewind.client.kafka.EditKey;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.WalEdit;
import io.rewind.store.dump.DumpCell;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A random stream of edits in offset order, as one partition holds them, with what the replay must
 * cope with: several tables, rows of any bytes (empty, 0x00, 0xff), every cell and delete type,
 * equal timestamps, empty values, rows split into parts, and re-shipped copies (same region,
 * sequence id and part) far from their original. Also the reference replay: every edit of a row in
 * offset order through {@link RowReplay}, no sorting, no files.
 */
final class RandomEdits {

  static final String[] TABLES = {"ns:b", "ns:a", "ns:a2"};
  private static final String[] QUALIFIERS = {"", "q", "q2", "qq"};
  private static final String[] FAMILIES = {"f", "g"};
  private static final CellType[] TYPES = CellType.values();

  private RandomEdits() {}

  /** {@code count} edits, write times from {@code firstWrite} up, one per offset from 0. */
  static List<WalEdit> generate(long seed, int count, int rows, long firstWrite) {
    Random random = new Random(seed);
    List<byte[]> rowKeys = new ArrayList<>();
    rowKeys.add(new byte[0]);
    rowKeys.add(new byte[] {0});
    rowKeys.add(new byte[] {(byte) 0xff, 0});
    while (rowKeys.size() < rows) {
      byte[] r = new byte[1 + random.nextInt(12)];
      random.nextBytes(r);
      rowKeys.add(r);
    }
    Map<String, Long> sequence = new HashMap<>();
    List<WalEdit> edits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long writeTime = firstWrite + i;
      if (!edits.isEmpty() && random.nextInt(20) == 0) {
        // A re-shipped copy of an earlier edit: same region, sequence id and part.
        edits.add(WalEdit.newBuilder(edits.get(random.nextInt(edits.size()))).build());
        continue;
      }
      String table = TABLES[random.nextInt(TABLES.length)];
      byte[] row = rowKeys.get(random.nextInt(rowKeys.size()));
      String region = "region-" + random.nextInt(2);
      long seq = sequence.merge(table + region, 1L + random.nextInt(3), Long::sum);
      boolean split = random.nextInt(15) == 0;
      for (int part = 0; part < (split ? 2 : 1); part++) {
        edits.add(
            WalEdit.newBuilder()
                .setTable(table)
                .setRegion(region)
                .setRow(ByteBuffer.wrap(row))
                .setWriteTime(writeTime)
                .setSequenceId(seq)
                .setQueue(new QueueId("rs1,16020,1", "g"))
                .setPart(part)
                .setParts(split ? 2 : 1)
                .setCells(cells(random))
                .build());
      }
    }
    return edits;
  }

  private static List<Cell> cells(Random random) {
    List<Cell> cells = new ArrayList<>();
    int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 20 : 4);
    for (int c = 0; c < n; c++) {
      CellType type = random.nextInt(3) == 0 ? TYPES[random.nextInt(TYPES.length)] : CellType.PUT;
      byte[] value = new byte[type == CellType.PUT ? random.nextInt(3) * random.nextInt(30) : 0];
      random.nextBytes(value);
      cells.add(
          new Cell(
              utf8(FAMILIES[random.nextInt(FAMILIES.length)]),
              utf8(
                  type == CellType.DELETE_FAMILY || type == CellType.DELETE_FAMILY_VERSION
                      ? ""
                      : QUALIFIERS[random.nextInt(QUALIFIERS.length)]),
              100L + random.nextInt(6),
              type,
              ByteBuffer.wrap(value)));
    }
    return cells;
  }

  /**
   * What the reference replay gives: rows by {@link #keyOf}, each {@link #describe}d, and its
   * counts.
   */
  record Reference(Map<String, List<String>> rows, long applied, long duplicates, long afterTime) {}

  /**
   * The replay to T of the edits (given in offset order): grouped by key in a map, each row's edits
   * in offset order.
   */
  static Reference reference(List<WalEdit> edits, long time) {
    Map<ByteBuffer, List<WalEdit>> byKey =
        new TreeMap<>(Comparator.comparing((ByteBuffer b) -> b, RandomEdits::compareUnsigned));
    long afterTime = 0;
    for (WalEdit e : edits) {
      if (e.getWriteTime() <= time) {
        byKey
            .computeIfAbsent(
                ByteBuffer.wrap(EditKey.of(e.getTable(), RowImage.bytes(e.getRow()))),
                k -> new ArrayList<>())
            .add(e);
      } else {
        afterTime++;
      }
    }
    Map<String, List<String>> rows = new TreeMap<>();
    long applied = 0;
    long duplicates = 0;
    for (List<WalEdit> rowEdits : byKey.values()) {
      RowImage image = new RowImage(RowImage.bytes(rowEdits.get(0).getRow()));
      int skipped = RowReplay.replay(rowEdits, image);
      duplicates += skipped;
      applied += rowEdits.size() - skipped;
      RestoredRow row = image.toRestoredRow();
      rows.put(keyOf(rowEdits.get(0).getTable(), row), describe(row));
    }
    return new Reference(rows, applied, duplicates, afterTime);
  }

  /**
   * The visible cells of each table after the replay to T of the edits (in offset order), in no
   * particular order.
   */
  static Map<String, List<DumpCell>> visibleCells(List<WalEdit> edits, long time) {
    Map<String, List<WalEdit>> byKey = new HashMap<>();
    for (WalEdit e : edits) {
      if (e.getWriteTime() <= time) {
        byKey
            .computeIfAbsent(
                e.getTable() + "/" + Arrays.toString(RowImage.bytes(e.getRow())),
                k -> new ArrayList<>())
            .add(e);
      }
    }
    Map<String, List<DumpCell>> cells = new TreeMap<>();
    for (List<WalEdit> rowEdits : byKey.values()) {
      RowImage image = new RowImage(RowImage.bytes(rowEdits.get(0).getRow()));
      RowReplay.replay(rowEdits, image);
      cells
          .computeIfAbsent(rowEdits.get(0).getTable(), t -> new ArrayList<>())
          .addAll(image.visibleCells());
    }
    return cells;
  }

  /** A row's identity in the maps the tests compare: table and row bytes in hex. */
  static String keyOf(String table, RestoredRow row) {
    StringBuilder s = new StringBuilder(table).append('/');
    for (byte b : row.row()) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }

  /** A row's puts, markers and visible cells, each list sorted: equal rows describe equally. */
  static List<String> describe(RestoredRow row) {
    List<String> puts = new ArrayList<>();
    row.puts().forEach(c -> puts.add("put " + cell(c)));
    List<String> markers = new ArrayList<>();
    row.deleteMarkers()
        .forEach(
            m ->
                markers.add(
                    m.type()
                        + " "
                        + hex(m.family())
                        + ":"
                        + hex(m.qualifier())
                        + "@"
                        + m.timestamp()));
    List<String> visible = new ArrayList<>();
    row.visibleCells().forEach(c -> visible.add("visible " + cell(c)));
    puts.sort(null);
    markers.sort(null);
    visible.sort(null);
    List<String> all = new ArrayList<>(puts);
    all.addAll(markers);
    all.addAll(visible);
    return all;
  }

  private static String cell(DumpCell c) {
    return hex(c.family()) + ":" + hex(c.qualifier()) + "@" + c.timestamp() + "=" + hex(c.value());
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }

  private static int compareUnsigned(ByteBuffer a, ByteBuffer b) {
    return Arrays.compareUnsigned(a.array(), b.array());
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
