package io.rewind.restore;

import io.rewind.core.dump.DumpCell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellComparator;
import org.apache.hadoop.hbase.KeyValue;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.RegionLocator;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFileContext;
import org.apache.hadoop.hbase.io.hfile.HFileContextBuilder;
import org.apache.hadoop.hbase.regionserver.BloomType;
import org.apache.hadoop.hbase.regionserver.HStoreFile;
import org.apache.hadoop.hbase.regionserver.StoreFileWriter;
import org.apache.hadoop.hbase.tool.BulkLoadHFiles;
import org.apache.hadoop.hbase.util.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --mode bulkload}: the same cells as {@link HBaseTarget} (each row's winning puts and its
 * delete markers, original timestamps and types), written as one HFile per region and family at
 * the target table's region boundaries, then handed to HBase's bulk-load API. The rows are held in
 * memory until {@link #finish} (like the dump target); the staging directory must be readable by
 * the region servers (a local directory only works when they run on this machine: pass
 * {@code --bulkload-dir hdfs://...} otherwise).
 */
public final class BulkLoadTarget implements RestoreTarget {

  private static final Logger LOG = LoggerFactory.getLogger(BulkLoadTarget.class);

  private final HBaseTarget tables;
  private final Path staging;
  private final Map<String, byte[][]> startKeys;
  private final Map<String, List<List<Cell>>> cellsByRegion = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> readable = new ConcurrentHashMap<>();

  private BulkLoadTarget(HBaseTarget tables, Path staging, Map<String, byte[][]> startKeys) {
    this.tables = tables;
    this.staging = staging;
    this.startKeys = startKeys;
    startKeys.forEach((source, keys) -> {
      List<List<Cell>> regions = new ArrayList<>();
      for (int i = 0; i < keys.length; i++) {
        regions.add(new ArrayList<>());
      }
      cellsByRegion.put(source, regions);
    });
  }

  /**
   * @param tables the prepared target tables (created, checked for emptiness), as for the put path
   * @param staging where the HFiles are written, on a file system the region servers can read
   */
  public static BulkLoadTarget open(HBaseTarget tables, Path staging) throws IOException {
    Map<String, byte[][]> startKeys = new TreeMap<>();
    for (Map.Entry<String, String> e : tables.mapping().targets().entrySet()) {
      try (RegionLocator locator = tables.connection().getRegionLocator(TableName.valueOf(e.getValue()))) {
        byte[][] keys = locator.getStartKeys();
        Arrays.sort(keys, Bytes.BYTES_COMPARATOR);
        startKeys.put(e.getKey(), keys);
      }
    }
    return new BulkLoadTarget(tables, staging.suffix("/" + UUID.randomUUID()), startKeys);
  }

  @Override
  public void acceptRow(String table, RestoredRow row) {
    List<Cell> cells = new ArrayList<>(row.puts().size() + row.deleteMarkers().size());
    for (DumpCell c : row.puts()) {
      cells.add(new KeyValue(row.row(), c.family(), c.qualifier(), c.timestamp(), KeyValue.Type.Put, c.value()));
    }
    for (DeleteMarker m : row.deleteMarkers()) {
      cells.add(new KeyValue(row.row(), m.family(), m.qualifier(), m.timestamp(), type(m)));
    }
    List<Cell> region = cellsByRegion.get(table).get(regionOf(startKeys.get(table), row.row()));
    synchronized (region) {
      region.addAll(cells);
    }
    readable.computeIfAbsent(table, t -> new AtomicLong())
        .addAndGet(HBaseTarget.readableCells(row.visibleCells(), tables.maxVersions(table)));
  }

  @Override
  public void acceptRow(String table, List<DumpCell> cells) {
    acceptRow(table, new RestoredRow(cells.isEmpty() ? new byte[0] : cells.get(0).row(), cells, List.of(), cells));
  }

  @Override
  public Map<String, Long> finish() throws IOException {
    Configuration conf = tables.connection().getConfiguration();
    FileSystem fs = staging.getFileSystem(conf);
    try {
      for (Map.Entry<String, List<List<Cell>>> e : cellsByRegion.entrySet()) {
        Path tableDir = new Path(staging, e.getKey().replace(':', '_'));
        List<List<Cell>> regions = e.getValue();
        int files = writeRegions(conf, fs, tableDir, regions);
        if (files == 0) {
          continue;
        }
        TableName target = TableName.valueOf(tables.mapping().target(e.getKey()));
        long started = System.nanoTime();
        Configuration load = new Configuration(conf);
        // A restore writes one file per region and family; more only when a region is split meanwhile.
        load.setInt(BulkLoadHFiles.MAX_FILES_PER_REGION_PER_FAMILY, Integer.MAX_VALUE);
        try {
          BulkLoadHFiles.create(load).bulkLoad(target, tableDir);
        } catch (IOException ex) {
          throw new IOException("bulk-loading the HFiles of " + e.getKey() + " into " + target + " failed: " + ex.getMessage()
              + ". The target table is incomplete: check that the region servers can read " + staging
              + " (--bulkload-dir), then restore again with --force", ex);
        }
        LOG.info("bulk-loaded {} HFiles into {} in {} ms", files, target, (System.nanoTime() - started) / 1_000_000);
      }
    } finally {
      fs.delete(staging, true);
    }
    Map<String, Long> written = new TreeMap<>();
    tables.mapping().targets().keySet().forEach(t -> written.put(t, readable.containsKey(t) ? readable.get(t).get() : 0L));
    return written;
  }

  @Override
  public Map<String, Long> readBack() throws IOException {
    return tables.readBack();
  }

  /** Writes every region's HFiles, regions in parallel (sorting dominates); returns the number of files. */
  private static int writeRegions(Configuration conf, FileSystem fs, Path tableDir, List<List<Cell>> regions) throws IOException {
    try {
      return java.util.stream.IntStream.range(0, regions.size()).parallel().map(r -> {
        try {
          int files = writeRegion(conf, fs, tableDir, r, regions.get(r));
          regions.set(r, new ArrayList<>());
          return files;
        } catch (IOException ex) {
          throw new java.io.UncheckedIOException(ex);
        }
      }).sum();
    } catch (java.io.UncheckedIOException ex) {
      throw new IOException("writing the HFiles of " + tableDir.getName() + " under " + tableDir + " failed: " + ex.getCause().getMessage()
          + ". Check that the staging directory (--bulkload-dir) is writable and has space", ex.getCause());
    }
  }

  /** Writes the region's cells, one sorted HFile per family; returns the number of files. */
  private static int writeRegion(Configuration conf, FileSystem fs, Path tableDir, int region, List<Cell> cells) throws IOException {
    Map<String, List<Cell>> byFamily = new TreeMap<>();
    for (Cell c : cells) {
      String family = new String(c.getFamilyArray(), c.getFamilyOffset(), c.getFamilyLength(), StandardCharsets.UTF_8);
      byFamily.computeIfAbsent(family, f -> new ArrayList<>()).add(c);
    }
    HFileContext context = new HFileContextBuilder().withBlockSize(64 * 1024).withIncludesTags(false).build();
    for (Map.Entry<String, List<Cell>> e : byFamily.entrySet()) {
      List<Cell> familyCells = e.getValue();
      familyCells.sort(CellComparator.getInstance());
      Path file = new Path(new Path(tableDir, e.getKey()), String.format("region-%05d", region));
      StoreFileWriter writer = new StoreFileWriter.Builder(conf, CacheConfig.DISABLED, fs)
          .withFilePath(file).withFileContext(context).withBloomType(BloomType.NONE).build();
      try {
        for (Cell c : familyCells) {
          writer.append(c);
        }
      } finally {
        writer.appendFileInfo(HStoreFile.BULKLOAD_TIME_KEY, Bytes.toBytes(System.currentTimeMillis()));
        writer.appendTrackedTimestampsToMetadata();
        writer.close();
      }
    }
    return byFamily.size();
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
}
