package io.rewind.monitoring;

import java.util.ArrayList;
import java.util.List;

/** A left-aligned text table with a header row, columns as wide as their widest cell. */
final class TextTable {

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  TextTable(String... headers) {
    this.columns = headers.length;
    rows.add(headers);
  }

  TextTable row(Object... cells) {
    String[] r = new String[columns];
    for (int i = 0; i < columns; i++) {
      r[i] = i < cells.length && cells[i] != null ? String.valueOf(cells[i]) : "-";
    }
    rows.add(r);
    return this;
  }

  void appendTo(StringBuilder out, String indent) {
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < columns; i++) {
        line.append(r[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - r[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
