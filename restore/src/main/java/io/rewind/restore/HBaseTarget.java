package io.rewind.restore;

import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores into HBase tables: each row's winning puts and delete markers, with their original
 * timestamps and delete types, through one BufferedMutator per target table. Target tables come
 * from a {@link TableMapping}; a missing one is created from the archived descriptor (replication
 * scope 0); an existing one that holds cells is refused unless {@code force}. With force, the state
 * at T is written over what the table holds: cells of the backup are put back (a second restore to
 * the same T changes nothing), other cells stay.
 */
public final class HBaseTarget implements RestoreTarget {

  private static final Logger LOG = LoggerFactory.getLogger(HBaseTarget.class);
  private static final int PENDING_BATCHES = 2;

  private final Connection connection;
  private final TableMapping mapping;
  private final Map<String, BufferedMutator> mutators = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> visibleCells = new ConcurrentHashMap<>();

  /**
   * Writes the partitions' row batches, so that a replay thread reads its next partition while the
   * mutator waits on the region servers (with the replay thread writing, HBase idled while it read
   * and it idled while HBase caught up). At most {@link #PENDING_BATCHES} batches wait.
   */
  private final ThreadPoolExecutor writer;

  private final Semaphore pending = new Semaphore(PENDING_BATCHES);
  private final List<Future<?>> writes = new CopyOnWriteArrayList<>();
  private volatile Throwable writeFailure;

  /**
   * Source table -> family -> its settings in the target (VERSIONS, TTL): what a read returns of
   * each column.
   */
  private final Map<String, Map<String, FamilyDescriptor>> families;

  private HBaseTarget(
      Connection connection,
      TableMapping mapping,
      Map<String, Map<String, FamilyDescriptor>> families) {
    this.connection = connection;
    this.mapping = mapping;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "rewind-restore-writer");
              t.setDaemon(true);
              return t;
            });
    // The thread ends when idle, also when a failed restore never calls finish().
    writer.allowCoreThreadTimeOut(true);
    this.families = families;
  }

  /**
   * Checks and prepares every target table before anything is written.
   *
   * @param descriptors the archived descriptor of each source table (store {@code tables/})
   * @throws RestoreRefusedException when a target table holds cells and {@code force} is off, or a
   *     missing target has no archived descriptor to create it from
   */
  public static HBaseTarget open(
      Connection connection,
      TableMapping mapping,
      Map<String, TableDescriptor> descriptors,
      boolean force)
      throws IOException {
    try (Admin admin = connection.getAdmin()) {
      for (Map.Entry<String, String> e : mapping.targets().entrySet()) {
        TableName target = TableName.valueOf(e.getValue());
        if (admin.tableExists(target)) {
          if (!force && HBaseTables.hasCells(connection, target)) {
            throw new RestoreRefusedException(
                "target table "
                    + target
                    + " (for "
                    + e.getKey()
                    + ") already holds cells: restoring into it would mix states."
                    + " Choose another target with --map "
                    + e.getKey()
                    + "=<namespace:table>, or pass --force to write the state at T over it");
          }
          LOG.info("restoring {} into the existing table {}", e.getKey(), target);
        } else {
          TableDescriptor archived = descriptors.get(e.getKey());
          if (archived == null) {
            throw new RestoreRefusedException(
                "no archived descriptor of "
                    + e.getKey()
                    + " in the store (tables/), so its target "
                    + target
                    + " cannot be created: create it yourself with the source's column families and pass --force");
          }
          HBaseTables.create(admin, target, archived);
          LOG.info(
              "created {} from the archived descriptor of {} ({} families, replication scope 0)",
              target,
              e.getKey(),
              archived.getFamilies().size());
        }
      }
    }
    Map<String, Map<String, FamilyDescriptor>> families = new TreeMap<>();
    try (Admin admin = connection.getAdmin()) {
      for (Map.Entry<String, String> e : mapping.targets().entrySet()) {
        Map<String, FamilyDescriptor> settings = new TreeMap<>();
        for (ColumnFamilyDescriptor f :
            admin.getDescriptor(TableName.valueOf(e.getValue())).getColumnFamilies()) {
          settings.put(
              f.getNameAsString(),
              FamilyDescriptor.newBuilder()
                  .setName(f.getNameAsString())
                  .setMaxVersions(f.getMaxVersions())
                  .setMinVersions(f.getMinVersions())
                  .setTtlSeconds(f.getTimeToLive())
                  .build());
        }
        families.put(e.getKey(), settings);
      }
    }
    return new HBaseTarget(connection, mapping, families);
  }

  /**
   * The cells a read of the row returns: its visible cells, at most the family's VERSIONS per
   * column, none its TTL expired now ({@link ReadableCells}): HBase applies both at read time.
   */
  public static long readableCells(List<DumpCell> visible, Map<String, FamilyDescriptor> families) {
    List<DumpCell> sorted = visible;
    if (visible.size() > 1 && !families.isEmpty()) {
      sorted = new ArrayList<>(visible);
      sorted.sort(DumpCell.ORDER);
    }
    return ReadableCells.of(sorted, families, System.currentTimeMillis()).size();
  }

  /** Scans every target table, all versions, and counts the cells a client reads. */
  @Override
  public Map<String, Long> readBack() throws IOException {
    Map<String, Long> found = new TreeMap<>();
    for (Map.Entry<String, String> e : mapping.targets().entrySet()) {
      long cells = 0;
      try (Table t = connection.getTable(TableName.valueOf(e.getValue()));
          ResultScanner scanner = t.getScanner(new Scan().readAllVersions().setCaching(1000))) {
        for (Result r : scanner) {
          cells += r.size();
        }
      }
      found.put(e.getKey(), cells);
    }
    return found;
  }

  @Override
  public void acceptRow(String table, RestoredRow row) throws IOException {
    mutator(table).mutate(HBaseMutations.of(row));
    visibleCells
        .computeIfAbsent(table, t -> new AtomicLong())
        .addAndGet(readableCells(row.visibleCells(), families.getOrDefault(table, Map.of())));
  }

  /**
   * Hands the batch to the writer thread; waits only while {@link #PENDING_BATCHES} batches are
   * still unwritten.
   */
  @Override
  public void acceptRows(String table, List<RestoredRow> rows) throws IOException {
    Throwable failed = writeFailure;
    if (failed != null) {
      throw new IOException(
          "writing the restored rows into HBase failed: "
              + failed.getMessage()
              + ". The target tables are incomplete: fix the cause and restore again with --force",
          failed);
    }
    try {
      pending.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("restore interrupted while waiting to write into HBase");
    }
    try {
      writes.add(
          writer.submit(
              () -> {
                try {
                  for (RestoredRow row : rows) {
                    acceptRow(table, row);
                  }
                } catch (IOException | RuntimeException e) {
                  writeFailure = e;
                  throw e;
                } finally {
                  pending.release();
                }
                return null;
              }));
    } catch (RuntimeException e) {
      pending.release();
      throw e;
    }
  }

  /** Only visible cells known (no markers): written as puts. */
  @Override
  public void acceptRow(String table, List<DumpCell> cells) throws IOException {
    acceptRow(
        table,
        new RestoredRow(
            cells.isEmpty() ? new byte[0] : cells.get(0).row(), cells, List.of(), cells));
  }

  @Override
  public Map<String, Long> finish() throws IOException {
    IOException failure = null;
    writer.shutdown();
    for (Future<?> w : writes) {
      try {
        w.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("restore interrupted while writing into HBase");
      } catch (ExecutionException e) {
        failure = failure == null ? asIOException(e.getCause()) : failure;
      }
    }
    writes.clear();
    for (Map.Entry<String, BufferedMutator> e : mutators.entrySet()) {
      try {
        e.getValue().close();
      } catch (IOException ex) {
        failure = failure == null ? ex : failure;
      }
    }
    mutators.clear();
    if (failure != null) {
      throw new IOException(
          "writing the restored rows into HBase failed: "
              + failure.getMessage()
              + ". The target tables are incomplete: fix the cause and restore again with --force",
          failure);
    }
    Map<String, Long> written = new TreeMap<>();
    mapping
        .targets()
        .keySet()
        .forEach(t -> written.put(t, visibleCells.containsKey(t) ? visibleCells.get(t).get() : 0L));
    return written;
  }

  private static IOException asIOException(Throwable t) {
    return t instanceof IOException ? (IOException) t : new IOException(t.getMessage(), t);
  }

  /** Family -> settings of the target of a source table. */
  public Map<String, FamilyDescriptor> families(String sourceTable) {
    return families.getOrDefault(sourceTable, Map.of());
  }

  public Connection connection() {
    return connection;
  }

  /** source table -> target table. */
  public TableMapping mapping() {
    return mapping;
  }

  private BufferedMutator mutator(String sourceTable) throws IOException {
    BufferedMutator m = mutators.get(sourceTable);
    if (m != null) {
      return m;
    }
    synchronized (mutators) {
      m = mutators.get(sourceTable);
      if (m == null) {
        m = connection.getBufferedMutator(TableName.valueOf(mapping.target(sourceTable)));
        mutators.put(sourceTable, m);
      }
      return m;
    }
  }
}
