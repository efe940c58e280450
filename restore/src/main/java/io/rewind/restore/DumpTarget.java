package io.rewind.restore;

import io.rewind.core.dump.CellDump;
import io.rewind.core.dump.DumpCell;
import io.rewind.core.time.TimeParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the state of each table at T as a canonical sorted cell dump, one file per table (see
 * docs/dump-format.md). Tables named in {@code expectedTables} get a file even when empty at T.
 */
public final class DumpTarget implements RestoreTarget {

  private final Path directory;
  private final long time;
  private final Map<String, List<DumpCell>> cellsByTable = new ConcurrentHashMap<>();

  public DumpTarget(Path directory, long time, Collection<String> expectedTables) throws IOException {
    this.directory = directory;
    this.time = time;
    Files.createDirectories(directory);
    expectedTables.forEach(t -> cellsByTable.put(t, new ArrayList<>()));
  }

  @Override
  public void acceptRow(String table, List<DumpCell> cells) {
    List<DumpCell> tableCells = cellsByTable.computeIfAbsent(table, t -> new ArrayList<>());
    synchronized (tableCells) {
      tableCells.addAll(cells);
    }
  }

  @Override
  public Map<String, Long> finish() throws IOException {
    Map<String, Long> written = new TreeMap<>();
    for (Map.Entry<String, List<DumpCell>> e : cellsByTable.entrySet()) {
      List<DumpCell> cells = e.getValue();
      cells.sort(DumpCell.ORDER);
      CellDump.write(directory.resolve(CellDump.fileName(e.getKey())), e.getKey(), TimeParser.format(time), cells);
      written.put(e.getKey(), (long) cells.size());
    }
    return written;
  }

  /** Counts the cell lines of each table's dump file as it is on disk (the header line excluded). */
  @Override
  public Map<String, Long> readBack() throws IOException {
    Map<String, Long> found = new TreeMap<>();
    for (String table : cellsByTable.keySet()) {
      Path file = fileOf(table);
      if (Files.exists(file)) {
        try (java.util.stream.Stream<String> lines = Files.lines(file, java.nio.charset.StandardCharsets.UTF_8)) {
          found.put(table, lines.filter(l -> !l.startsWith("#")).count());
        }
      }
    }
    return found;
  }

  /** The dump file of a table in this target's directory. */
  public Path fileOf(String table) {
    return directory.resolve(CellDump.fileName(table));
  }
}
