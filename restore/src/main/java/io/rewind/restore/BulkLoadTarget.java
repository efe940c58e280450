package io.rewind.restore;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellComparator;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.IndividualBytesFieldCell;
import org.apache.hadoop.hbase.KeyValue;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.RegionLocator;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFileContext;
import org.apache.hadoop.hbase.io.hfile.HFileContextBuilder;
import org.apache.hadoop.hbase.regionserver.BloomType;
import org.apache.hadoop.hbase.regionserver.HStoreFile;
import org.apache.hadoop.hbase.regionserver.StoreFileWriter;
import org.apache.hadoop.hbase.tool.BulkLoadHFiles;
import org.apache.hadoop.hbase.tool.BulkLoadHFilesTool;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.hadoop.hbase.util.CommonFSUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --mode bulkload}: the same cells as {@link HBaseTarget} (each row's winning puts and its
 * delete markers, original timestamps and types), written as HFiles at the target table's region
 * boundaries, then handed to HBase's bulk-load API at {@link #finish}.
 *
 * <p>A partition's rows of a table come in consecutive batches in row order, each written right
 * then, by the replay thread, while other partitions are still being read: the thread's HFiles stay
 * open from one batch to the next, so there is one HFile per region, family and partition whatever
 * the batch size (rows in key order, each row's cells by {@link CellComparator}; no compression, no
 * bloom filter: the files are loaded once and compacted later by HBase). Nothing is held in memory
 * until the end, and the load itself only moves files when the staging directory is on the
 * cluster's file system (otherwise the region servers copy each file). The staging directory must
 * be readable by the region servers: a local directory only works when they run on this machine;
 * pass {@code --bulkload-dir hdfs://...} otherwise.
 */
public final class BulkLoadTarget implements RestoreTarget {

  private static final Logger LOG = LoggerFactory.getLogger(BulkLoadTarget.class);
  private static final byte[] NO_VALUE = new byte[0];
  private static final Comparator<RestoredRow> BY_ROW = (a, b) -> Bytes.compareTo(a.row(), b.row());

  /** The HFile check the loader would do again on files this class just wrote. */
  private static final String VALIDATE_HFILES = "hbase.loadincremental.validate.hfile";

  /** Regions the loader loads at once (default: cores); the region server does the work. */
  private static final String LOADER_THREADS = "hbase.loadincremental.threads.max";

  private static final int MAX_LOADER_THREADS = 16;
  private static final String COMPLETE_FILE_FIRST_DELAY_MS =
      "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";

  private final HBaseTarget tables;
  private final Path staging;
  private final Configuration conf;
  private final FileSystem fs;
  private final Map<String, byte[][]> startKeys;
  private final Map<String, AtomicLong> readable = new ConcurrentHashMap<>();

  /** Source table -> family -> the HFiles written. */
  private final Map<String, Map<byte[], List<Path>>> files = new ConcurrentHashMap<>();

  private final AtomicInteger batches = new AtomicInteger();

  /** The files each replay thread is writing. */
  private final Map<Thread, Sequence> sequences = new ConcurrentHashMap<>();

  /** Rows handed over one at a time rather than by partition: written at {@link #finish}. */
  private final Map<String, List<RestoredRow>> singleRows = new ConcurrentHashMap<>();

  private BulkLoadTarget(
      HBaseTarget tables, Path staging, FileSystem fs, Map<String, byte[][]> startKeys) {
    this.tables = tables;
    this.staging = staging;
    this.conf = tables.connection().getConfiguration();
    this.fs = fs;
    this.startKeys = startKeys;
  }

  /**
   * @param tables the prepared target tables (created, checked for emptiness), as for the put path
   * @param staging where the HFiles are written, on a file system the region servers can read
   */
  public static BulkLoadTarget open(HBaseTarget tables, Path staging) throws IOException {
    Map<String, byte[][]> startKeys = new TreeMap<>();
    for (Map.Entry<String, String> e : tables.mapping().targets().entrySet()) {
      try (RegionLocator locator =
          tables.connection().getRegionLocator(TableName.valueOf(e.getValue()))) {
        byte[][] keys = locator.getStartKeys();
        Arrays.sort(keys, Bytes.BYTES_COMPARATOR);
        startKeys.put(e.getKey(), keys);
      }
    }
    Configuration conf = tables.connection().getConfiguration();
    Configuration writing = new Configuration(conf);
    // Closing an HDFS file asks the NameNode whether it is complete; when the DataNode has not
    // reported the
    // last block yet, the client waits 400 ms (default) before asking again, per file: poll sooner.
    writing.setInt(COMPLETE_FILE_FIRST_DELAY_MS, 10);
    FileSystem fs = FileSystem.newInstance(staging.toUri(), writing);
    if (conf.get("hbase.rootdir") != null) {
      URI cluster = CommonFSUtils.getRootDirFileSystem(conf).getUri();
      if (!cluster.equals(fs.getUri())) {
        LOG.info(
            "bulk-load staging on {}, the cluster's files on {}: the region servers copy every HFile"
                + " (a --bulkload-dir on the cluster's file system makes the load a move)",
            fs.getUri(),
            cluster);
      }
    }
    return new BulkLoadTarget(tables, staging.suffix("/" + UUID.randomUUID()), fs, startKeys);
  }

  /**
   * Appends the rows to the thread's open HFiles when they continue its last batch, else to new
   * ones.
   */
  @Override
  public void acceptRows(String table, List<RestoredRow> rows) throws IOException {
    count(table, rows);
    if (rows.isEmpty()) {
      return;
    }
    Sequence sequence = sequences.get(Thread.currentThread());
    if (sequence != null && !sequence.continuedBy(table, rows.get(0).row())) {
      sequences.remove(Thread.currentThread());
      sequence.close();
      sequence = null;
    }
    if (sequence == null) {
      sequence = new Sequence(table);
      sequences.put(Thread.currentThread(), sequence);
    }
    try {
      sequence.write(rows);
    } catch (IOException e) {
      sequences.remove(Thread.currentThread());
      throw e;
    }
  }

  private static List<RestoredRow> sorted(List<RestoredRow> rows) {
    List<RestoredRow> sorted = new ArrayList<>(rows);
    sorted.sort(BY_ROW);
    return sorted;
  }

  @Override
  public void acceptRow(String table, RestoredRow row) {
    count(table, List.of(row));
    singleRows
        .computeIfAbsent(table, t -> Collections.synchronizedList(new ArrayList<>()))
        .add(row);
  }

  @Override
  public void acceptRow(String table, List<DumpCell> cells) {
    acceptRow(
        table,
        new RestoredRow(
            cells.isEmpty() ? new byte[0] : cells.get(0).row(), cells, List.of(), cells));
  }

  @Override
  public Map<String, Long> finish() throws IOException {
    try {
      for (Sequence sequence : sequences.values()) {
        sequence.close();
      }
      sequences.clear();
      for (Map.Entry<String, List<RestoredRow>> e : singleRows.entrySet()) {
        Sequence sequence = new Sequence(e.getKey());
        sequence.write(sorted(e.getValue()));
        sequence.close();
      }
      singleRows.clear();
      for (Map.Entry<String, Map<byte[], List<Path>>> e : new TreeMap<>(files).entrySet()) {
        load(e.getKey(), e.getValue());
      }
    } finally {
      try {
        fs.delete(staging, true);
      } finally {
        fs.close();
      }
    }
    Map<String, Long> written = new TreeMap<>();
    tables
        .mapping()
        .targets()
        .keySet()
        .forEach(t -> written.put(t, readable.containsKey(t) ? readable.get(t).get() : 0L));
    return written;
  }

  /** Deletes the HFiles staged so far: a failed replay never reaches {@link #finish}. */
  @Override
  public void abort() {
    sequences.values().forEach(Sequence::abort);
    sequences.clear();
    try {
      try {
        fs.delete(staging, true);
      } finally {
        fs.close();
      }
    } catch (IOException e) {
      LOG.warn(
          "could not delete the staged HFiles under {} after the failed restore ({}): delete them by hand",
          staging,
          e.toString());
    }
  }

  @Override
  public Map<String, Long> readBack() throws IOException {
    return tables.readBack();
  }

  private void count(String table, List<RestoredRow> rows) {
    Map<String, FamilyDescriptor> families = tables.families(table);
    long cells = 0;
    for (RestoredRow row : rows) {
      cells += HBaseTarget.readableCells(row.visibleCells(), families);
    }
    readable.computeIfAbsent(table, t -> new AtomicLong()).addAndGet(cells);
  }

  /**
   * HFiles of one table written from rows in ascending order, batch after batch, under the table's
   * staging directory: one per region and family the rows touch. A region's files are closed when
   * the rows move past it.
   */
  private final class Sequence {
    private final String table;
    private final byte[][] keys;
    private final int batch = batches.getAndIncrement();
    private RegionFiles region;
    private byte[] lastRow;

    Sequence(String table) {
      this.table = table;
      this.keys = startKeys.get(table);
    }

    /** Whether rows of {@code rowTable} from {@code row} on can follow those written. */
    boolean continuedBy(String rowTable, byte[] row) {
      return table.equals(rowTable) && lastRow != null && Bytes.compareTo(lastRow, row) < 0;
    }

    void write(List<RestoredRow> sorted) throws IOException {
      try {
        for (RestoredRow row : sorted) {
          // Rows ascend, so each region's rows are contiguous and its files written one after the
          // other.
          if (region == null || !region.holds(row.row())) {
            close();
            int r = regionOf(keys, row.row());
            region = new RegionFiles(table, r, batch, r + 1 < keys.length ? keys[r + 1] : null);
          }
          region.append(row);
          lastRow = row.row();
        }
      } catch (IOException | RuntimeException e) {
        abort();
        throw new IOException(
            "writing the HFiles of "
                + table
                + " under "
                + tableDir(table)
                + " failed: "
                + e.getMessage()
                + ". Check that the staging directory (--bulkload-dir) is writable and has space, delete "
                + staging
                + " and restore again with --force",
            e);
      }
    }

    void close() throws IOException {
      if (region != null) {
        RegionFiles closing = region;
        region = null;
        closing.close();
      }
    }

    void abort() {
      if (region != null) {
        region.abort();
        region = null;
      }
    }
  }

  /**
   * Loads the table's HFiles, every region at once: each file lies in one region, so none is split.
   */
  private void load(String table, Map<byte[], List<Path>> byFamily) throws IOException {
    TableName target = TableName.valueOf(tables.mapping().target(table));
    long started = System.nanoTime();
    Configuration load = new Configuration(conf);
    // One file per region, family and partition; more only when a region is split meanwhile.
    load.setInt(BulkLoadHFiles.MAX_FILES_PER_REGION_PER_FAMILY, Integer.MAX_VALUE);
    load.setBoolean(VALIDATE_HFILES, false);
    int regions = Math.min(startKeys.get(table).length, MAX_LOADER_THREADS);
    load.setInt(
        LOADER_THREADS,
        Math.max(load.getInt(LOADER_THREADS, Runtime.getRuntime().availableProcessors()), regions));
    int fileCount = byFamily.values().stream().mapToInt(List::size).sum();
    try {
      // Through the restore's connection: BulkLoadHFiles.bulkLoad would open and close one of its
      // own per call.
      try (Admin admin = tables.connection().getAdmin();
          Table t = tables.connection().getTable(target);
          RegionLocator locator = tables.connection().getRegionLocator(target)) {
        new BulkLoadHFilesTool(load).doBulkLoad(byFamily, admin, t, locator, false, false);
      }
    } catch (IOException ex) {
      throw new IOException(
          "bulk-loading the HFiles of "
              + table
              + " into "
              + target
              + " failed: "
              + ex.getMessage()
              + ". The target table is incomplete: check that the region servers can read "
              + staging
              + " (--bulkload-dir), then restore again with --force",
          ex);
    }
    LOG.info(
        "bulk-loaded {} HFiles into {} in {} ms",
        fileCount,
        target,
        (System.nanoTime() - started) / 1_000_000);
  }

  private Path tableDir(String table) {
    return new Path(staging, table.replace(':', '_'));
  }

  /** The index of the region holding the row: the last start key at or below it. */
  static int regionOf(byte[][] sortedStartKeys, byte[] row) {
    int lo = 0;
    int hi = sortedStartKeys.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (Bytes.compareTo(sortedStartKeys[mid], row) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * The cells of a restored row in HFile order: winning puts and delete markers with their original
   * timestamps and types, over the row's own arrays (the writer copies each into its block once).
   */
  public static List<Cell> cells(RestoredRow row) {
    List<Cell> cells = new ArrayList<>(row.puts().size() + row.deleteMarkers().size());
    for (DumpCell c : row.puts()) {
      cells.add(
          new IndividualBytesFieldCell(
              row.row(), c.family(), c.qualifier(), c.timestamp(), KeyValue.Type.Put, c.value()));
    }
    for (DeleteMarker m : row.deleteMarkers()) {
      cells.add(
          new IndividualBytesFieldCell(
              row.row(), m.family(), m.qualifier(), m.timestamp(), type(m), NO_VALUE));
    }
    if (cells.size() > 1) {
      cells.sort(CellComparator.getInstance());
    }
    return cells;
  }

  private static KeyValue.Type type(DeleteMarker m) {
    switch (m.type()) {
      case DELETE:
        return KeyValue.Type.Delete;
      case DELETE_COLUMN:
        return KeyValue.Type.DeleteColumn;
      case DELETE_FAMILY:
        return KeyValue.Type.DeleteFamily;
      case DELETE_FAMILY_VERSION:
        return KeyValue.Type.DeleteFamilyVersion;
      default:
        throw new IllegalArgumentException("not a delete marker: " + m.type());
    }
  }

  /**
   * The HFiles of one region from one batch of rows: a writer per family, opened on its first cell.
   */
  private final class RegionFiles {
    private final String table;
    private final Path tableDir;
    private final int region;
    private final int batch;

    /** The next region's start key; null for the last region. */
    private final byte[] end;

    private final Map<byte[], StoreFileWriter> writers = new TreeMap<>(Bytes.BYTES_COMPARATOR);
    private byte[] lastFamily;
    private StoreFileWriter lastWriter;

    RegionFiles(String table, int region, int batch, byte[] end) {
      this.table = table;
      this.tableDir = tableDir(table);
      this.region = region;
      this.batch = batch;
      this.end = end;
    }

    boolean holds(byte[] row) {
      return end == null || Bytes.compareTo(row, end) < 0;
    }

    void append(RestoredRow row) throws IOException {
      for (Cell c : cells(row)) {
        writer(c).append(c);
      }
    }

    private StoreFileWriter writer(Cell c) throws IOException {
      if (lastFamily != null && CellUtil.matchingFamily(c, lastFamily)) {
        return lastWriter;
      }
      byte[] family = CellUtil.cloneFamily(c);
      StoreFileWriter w = writers.get(family);
      if (w == null) {
        Path file =
            new Path(
                new Path(tableDir, Bytes.toString(family)),
                String.format("r%05d-b%05d", region, batch));
        HFileContext context =
            new HFileContextBuilder().withBlockSize(64 * 1024).withIncludesTags(false).build();
        w =
            new StoreFileWriter.Builder(conf, CacheConfig.DISABLED, fs)
                .withFilePath(file)
                .withFileContext(context)
                .withBloomType(BloomType.NONE)
                .build();
        writers.put(family, w);
        Map<byte[], List<Path>> byFamily =
            files.computeIfAbsent(table, t -> new ConcurrentSkipListMap<>(Bytes.BYTES_COMPARATOR));
        byFamily
            .computeIfAbsent(family, f -> Collections.synchronizedList(new ArrayList<>()))
            .add(file);
      }
      lastFamily = family;
      lastWriter = w;
      return w;
    }

    void close() throws IOException {
      for (StoreFileWriter w : writers.values()) {
        w.appendFileInfo(HStoreFile.BULKLOAD_TIME_KEY, Bytes.toBytes(System.currentTimeMillis()));
        w.appendTrackedTimestampsToMetadata();
        w.close();
      }
      writers.clear();
    }

    void abort() {
      for (StoreFileWriter w : writers.values()) {
        try {
          w.close();
        } catch (IOException e) {
          LOG.debug("closing a staging HFile after a failure", e);
        }
      }
      writers.clear();
    }
  }
}
