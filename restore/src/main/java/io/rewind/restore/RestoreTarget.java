package io.rewind.restore;

import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Where restored rows go: a cell-dump directory or HBase tables. Called from many threads. */
public interface RestoreTarget {

  /**
   * Called once before the replay with what each restored table was at T (its descriptor, families
   * and their settings): targets that shape what they write by it, as a cell dump applies each
   * family's VERSIONS and TTL, take it here. By default nothing.
   */
  default void tablesAt(Map<String, TableTimeline.TableAtTime> tables) {}

  /** The visible cells of one restored row of a table. */
  void acceptRow(String table, List<DumpCell> cells) throws IOException;

  /**
   * One restored row with its puts and delete markers, for targets that write mutations (HBase); by
   * default only its visible cells are taken.
   */
  default void acceptRow(String table, RestoredRow row) throws IOException {
    acceptRow(table, row.visibleCells());
  }

  /**
   * A batch of restored rows of a table from one partition's replay, in row order (unsigned bytes,
   * as HBase sorts them), each row complete (a row never spans batches nor partitions). A
   * partition's rows of a table come in several consecutive batches, each starting after the last
   * row of the one before; batches of different partitions come from different threads at once, and
   * one thread replays partitions one after the other. By default each row is passed to {@link
   * #acceptRow(String, RestoredRow)}. Targets that write sorted files override it to write each
   * batch while other partitions are still being read. The list is the target's: the caller does
   * not touch it again.
   */
  default void acceptRows(String table, List<RestoredRow> rows) throws IOException {
    for (RestoredRow row : rows) {
      acceptRow(table, row);
    }
  }

  /** Called once after every row was accepted; returns cells written per table. */
  Map<String, Long> finish() throws IOException;

  /**
   * Called instead of {@link #finish} when the restore failed after the target was prepared, once
   * no thread accepts rows any more: removes what the target staged to write at {@code finish}. It
   * must not throw. By default nothing.
   */
  default void abort() {}

  /**
   * After {@link #finish}: the cells each table holds, read back from where they were written
   * ({@code --verify}).
   */
  default Map<String, Long> readBack() throws IOException {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot read back what it wrote");
  }
}
