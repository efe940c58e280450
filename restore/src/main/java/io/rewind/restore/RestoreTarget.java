package io.rewind.restore;

import io.rewind.core.dump.DumpCell;
import java.io.IOException;
import java.util.List;

/** Where restored rows go: a dump directory now, HBase tables next. Called from many threads. */
public interface RestoreTarget {

  /** The visible cells of one restored row of a table. */
  void acceptRow(String table, List<DumpCell> cells) throws IOException;

  /** Called once after every row was accepted; returns cells written per table. */
  java.util.Map<String, Long> finish() throws IOException;
}
