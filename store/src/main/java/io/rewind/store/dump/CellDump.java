package io.rewind.store.dump;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The canonical dump of a table's state at a time T: one line per visible cell version, sorted as
 * {@link DumpCell#ORDER}; see docs/dump-format.md. Only formatting lives here: the restore and the
 * simulator's expected-state model each compute their cells independently.
 *
 * <pre>
 * # rewind-dump v1 table=ns:t time=2026-11-21T10:04:58.312Z cells=2
 * row1\tcf:q\t1795000000000\tvalue
 * </pre>
 *
 * Bytes are written as printable ASCII, with {@code \xHH} for any other byte and for the characters
 * backslash, tab, colon (in families only) and newline, so every line parses back; a row's first
 * byte is also escaped when it is {@code #}, so no cell line reads as the header or a comment.
 */
public final class CellDump {

  private CellDump() {}

  /** The file name of a table's dump: namespace and qualifier joined by "__". */
  public static String fileName(String table) {
    return table.replace(":", "__") + ".cells";
  }

  public static void write(Path file, String table, String timeIso, List<DumpCell> sortedCells)
      throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(header(table, timeIso, sortedCells.size()));
      w.newLine();
      for (DumpCell c : sortedCells) {
        w.write(line(c));
        w.newLine();
      }
    }
  }

  /** The first line of a dump (without its line separator). */
  public static String header(String table, String timeIso, long cells) {
    return "# rewind-dump v1 table=" + table + " time=" + timeIso + " cells=" + cells;
  }

  public static String line(DumpCell c) {
    StringBuilder line = new StringBuilder(64);
    appendLine(c, line);
    return line.toString();
  }

  /**
   * Appends the cell's line (without its line separator): for writers that build many lines in one
   * builder.
   */
  public static void appendLine(DumpCell c, StringBuilder out) {
    byte[] row = c.row();
    if (row.length > 0 && row[0] == '#') {
      out.append("\\x23");
      escape(row, 1, false, out);
    } else {
      escape(row, 0, false, out);
    }
    out.append('\t');
    escape(c.family(), 0, true, out);
    out.append(':');
    escape(c.qualifier(), 0, false, out);
    out.append('\t').append(c.timestamp()).append('\t');
    escape(c.value(), 0, false, out);
  }

  private static void escape(byte[] bytes, int from, boolean escapeColon, StringBuilder sb) {
    for (int i = from; i < bytes.length; i++) {
      int v = bytes[i] & 0xff;
      if (v >= 0x20 && v < 0x7f && v != '\\' && !(escapeColon && v == ':')) {
        sb.append((char) v);
      } else {
        sb.append('\\')
            .append('x')
            .append(Character.forDigit(v >> 4, 16))
            .append(Character.forDigit(v & 0xf, 16));
      }
    }
  }
}
