package io.rewind.restore;

import io.rewind.client.time.TimeParser;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.store.dump.CellDump;
import io.rewind.store.dump.DumpCell;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the state of each table at T as a canonical sorted cell dump, one file per table (see
 * docs/dump-format.md). Tables named in {@code expectedTables} get a file even when empty at T.
 *
 * <p>Nothing is held: each replay thread writes the rows it is given, already in row order, with
 * their dump lines, to a part file of its own ({@link SortedRun}, keyed by row) in a scratch
 * directory inside the output directory; a row that does not come after the last one (the thread's
 * next partition) or another table starts a new part. {@link #finish} merges each table's parts by
 * row into its dump file: rows never span partitions, so rows in order, each row's cells in {@link
 * DumpCell#ORDER}, is exactly the order of the whole dump. The scratch directory is removed by
 * {@link #finish} and {@link #abort}.
 */
public final class DumpTarget implements RestoreTarget {

  private static final Logger LOG = LoggerFactory.getLogger(DumpTarget.class);
  private static final String LINE_SEPARATOR = System.lineSeparator();
  private static final byte[] LINE_END = LINE_SEPARATOR.getBytes(StandardCharsets.UTF_8);
  private static final int OUTPUT_BUFFER = 1 << 20;

  private final Path directory;
  private final long time;
  private final Set<String> tables = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> cells = new ConcurrentHashMap<>();

  /** Per table, its part files, in the order they were started. */
  private final Map<String, List<Path>> parts = new ConcurrentHashMap<>();

  /** The part each replay thread is writing. */
  private final Map<Thread, Part> open = new ConcurrentHashMap<>();

  private SpillDirectory scratch;

  /**
   * Per table, its families' settings at T: a dump lists what an all-versions read at T returns.
   */
  private volatile Map<String, Map<String, FamilyDescriptor>> families = Map.of();

  public DumpTarget(Path directory, long time, Collection<String> expectedTables)
      throws IOException {
    this.directory = directory;
    this.time = time;
    Files.createDirectories(directory);
    tables.addAll(expectedTables);
  }

  /**
   * Takes each family's VERSIONS, MIN_VERSIONS and TTL at T ({@link ReadableCells}, TTL counted
   * from T).
   */
  @Override
  public void tablesAt(Map<String, TableTimeline.TableAtTime> tablesAt) {
    Map<String, Map<String, FamilyDescriptor>> byTable = new HashMap<>();
    tablesAt.forEach((t, a) -> byTable.put(t, a.familySettings()));
    this.families = byTable;
  }

  @Override
  public void acceptRows(String table, List<RestoredRow> rows) throws IOException {
    for (RestoredRow row : rows) {
      if (!row.visibleCells().isEmpty()) {
        write(table, row.row(), row.visibleCells());
      }
    }
  }

  @Override
  public void acceptRow(String table, List<DumpCell> rowCells) throws IOException {
    if (!rowCells.isEmpty()) {
      write(table, rowCells.get(0).row(), rowCells);
    }
  }

  private void write(String table, byte[] row, List<DumpCell> rowCells) throws IOException {
    Part part = open.get(Thread.currentThread());
    if (part == null || !part.takes(table, row)) {
      if (part != null) {
        part.close();
      }
      part = new Part(table, newPart(table));
      open.put(Thread.currentThread(), part);
    }
    List<DumpCell> sorted = rowCells;
    if (rowCells.size() > 1) {
      sorted = new ArrayList<>(rowCells);
      sorted.sort(DumpCell.ORDER);
    }
    List<DumpCell> read = ReadableCells.of(sorted, families.getOrDefault(table, Map.of()), time);
    if (read.isEmpty()) {
      return;
    }
    part.append(row, read);
    cells.computeIfAbsent(table, t -> new AtomicLong()).addAndGet(read.size());
  }

  private Path newPart(String table) throws IOException {
    tables.add(table);
    Path file = scratch().newFile("part-");
    parts.computeIfAbsent(table, t -> Collections.synchronizedList(new ArrayList<>())).add(file);
    return file;
  }

  private synchronized SpillDirectory scratch() {
    if (scratch == null) {
      scratch =
          SpillDirectory.create(
              directory,
              ".rewind-parts-",
              "--out (the dump directory, where its parts are written first)");
    }
    return scratch;
  }

  @Override
  public Map<String, Long> finish() throws IOException {
    try {
      closeParts();
      Map<String, Long> written = new TreeMap<>();
      for (String table : new TreeSet<>(tables)) {
        long count = cells.containsKey(table) ? cells.get(table).get() : 0L;
        writeDump(table, count, parts.getOrDefault(table, new ArrayList<>()));
        written.put(table, count);
      }
      return written;
    } finally {
      removeScratch();
    }
  }

  @Override
  public void abort() {
    try {
      closeParts();
    } catch (IOException e) {
      LOG.debug("closing a dump part after a failed restore", e);
    }
    removeScratch();
  }

  /** Merges a table's parts into its dump file: the header, then each row's lines in row order. */
  private void writeDump(String table, long count, List<Path> tableParts) throws IOException {
    SortedRun.reduce(
        tableParts,
        EditSorter.MAX_OPEN_RUNS,
        () -> scratch().newFile("part-"),
        EditSorter.READ_BUFFER);
    try (OutputStream out =
            new BufferedOutputStream(Files.newOutputStream(fileOf(table)), OUTPUT_BUFFER);
        RunMerger rows = new RunMerger(SortedRun.readAll(tableParts, EditSorter.READ_BUFFER))) {
      out.write(
          CellDump.header(table, TimeParser.format(time), count).getBytes(StandardCharsets.UTF_8));
      out.write(LINE_END);
      while (rows.next()) {
        out.write(rows.buffer(), rows.valueOffset(), rows.valueLength());
      }
    }
  }

  private void closeParts() throws IOException {
    IOException failure = null;
    for (Part part : open.values()) {
      try {
        part.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    open.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private synchronized void removeScratch() {
    if (scratch != null) {
      scratch.close();
      scratch = null;
    }
  }

  /**
   * Counts the cell lines of each table's dump file as it is on disk: every line after the header.
   */
  @Override
  public Map<String, Long> readBack() throws IOException {
    Map<String, Long> found = new TreeMap<>();
    for (String table : tables) {
      Path file = fileOf(table);
      if (Files.exists(file)) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
          found.put(table, lines.skip(1).count());
        }
      }
    }
    return found;
  }

  /** The dump file of a table in this target's directory. */
  public Path fileOf(String table) {
    return directory.resolve(CellDump.fileName(table));
  }

  /** One part file being written: rows of one table, in ascending order. */
  private static final class Part {
    private final String table;
    private final OutputStream out;
    private final SortedRun.Writer writer;
    private final StringBuilder text = new StringBuilder(1024);
    private byte[] lastRow;

    Part(String table, Path file) throws IOException {
      this.table = table;
      this.out = Files.newOutputStream(file);
      this.writer = new SortedRun.Writer(out);
    }

    /** Whether the row can follow: the same table, after the last row written. */
    boolean takes(String rowTable, byte[] row) {
      return table.equals(rowTable)
          && (lastRow == null || Arrays.compareUnsigned(lastRow, row) < 0);
    }

    /**
     * Appends a row with its cells, sorted, as their dump lines: each with its line separator, as
     * {@link CellDump#write} writes them.
     */
    void append(byte[] row, List<DumpCell> sorted) throws IOException {
      text.setLength(0);
      for (DumpCell c : sorted) {
        CellDump.appendLine(c, text);
        text.append(LINE_SEPARATOR);
      }
      byte[] lines = text.toString().getBytes(StandardCharsets.UTF_8);
      writer.add(row, 0, row.length, 0, lines, 0, lines.length);
      lastRow = row;
    }

    void close() throws IOException {
      try {
        writer.flush();
      } finally {
        out.close();
      }
    }
  }
}
