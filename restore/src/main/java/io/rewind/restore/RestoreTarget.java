package io.rewind.restore;

import io.rewind.core.dump.DumpCell;
import java.io.IOException;
import java.util.List;

/** Where restored rows go: a cell-dump directory or HBase tables. Called from many threads. */
public interface RestoreTarget {

  /** The visible cells of one restored row of a table. */
  void acceptRow(String table, List<DumpCell> cells) throws IOException;

  /**
   * One restored row with its puts and delete markers, for targets that write mutations (HBase);
   * by default only its visible cells are taken.
   */
  default void acceptRow(String table, RestoredRow row) throws IOException {
    acceptRow(table, row.visibleCells());
  }

  /**
   * Every restored row of a table from one partition's replay (each row complete, no row twice),
   * in row order (unsigned bytes, as HBase sorts them); by default each is passed to
   * {@link #acceptRow(String, RestoredRow)}.
   * Targets that write sorted files override it to write the batch while other partitions are
   * still being read.
   */
  default void acceptRows(String table, List<RestoredRow> rows) throws IOException {
    for (RestoredRow row : rows) {
      acceptRow(table, row);
    }
  }

  /** Called once after every row was accepted; returns cells written per table. */
  java.util.Map<String, Long> finish() throws IOException;

  /**
   * After {@link #finish}: the cells each table holds, read back from where they were written
   * ({@code --verify}).
   */
  default java.util.Map<String, Long> readBack() throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot read back what it wrote");
  }
}
