package io.rewind.testkit.hbase;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.CellComparator;
import org.apache.hadoop.hbase.KeepDeletedCells;
import org.apache.hadoop.hbase.KeyValue;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceNotFoundException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.RegionInfo;
import org.apache.hadoop.hbase.client.SnapshotDescription;
import org.apache.hadoop.hbase.client.SnapshotType;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.io.hfile.HFileContextBuilder;
import org.apache.hadoop.hbase.tool.BulkLoadHFiles;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * A seeded random workload through the HBase client, built to exercise everything a restore must
 * get right: three tables with different families, all keeping every version and deleted cells
 * (KEEP_DELETED_CELLS TRUE, so a snapshot at T stays the state at T); puts of several versions,
 * with implicit timestamps and explicit ones before and after their write time; every delete type,
 * with explicit and server-resolved timestamps; a put and a delete with the same timestamp, in both
 * orders; multi-row batches; binary row keys; one value of 1 MiB. The {@link #IMPLICIT} table is
 * written with implicit timestamps only (every cell timestamp is its write time), so a scan of the
 * source with time range [0, T+1) is a second oracle for it.
 *
 * <p>Single-threaded and synchronous: when {@link #step()} returns, the write is acknowledged.
 * {@link #pause} finds a moment T with no write within {@link #QUIET_MS} either side and takes an
 * HBase snapshot of every table: the snapshot is the state at T.
 *
 * <p>Besides writes, what never reaches the WAL as edits: {@link #bulkLoad} (HFiles of the table's
 * own rows, qualifiers and recent timestamps, so later puts and deletes meet the loaded cells),
 * {@link #truncate}, {@link #addFamily} and {@link #removeFamily}, {@link #lowerVersions} (of a
 * family that only ever got puts: after a delete, which versions a read returns depends on when
 * HBase compacted, which no backup can know), {@link #split} and {@link #drop}.
 */
public final class HBaseWorkload {

  /** Explicit and implicit timestamps, every delete type, two families. */
  public static final String EXPLICIT = "orders";

  /**
   * Implicit timestamps only: puts and deletes whose timestamps the server sets to the write time.
   */
  public static final String IMPLICIT = "events";

  /** Mixed, three families, the 1 MiB value. */
  public static final String MIXED = "profiles";

  /** No write lies within this many ms of a pause moment T. */
  public static final long QUIET_MS = 10;

  public static final int BIG_VALUE_BYTES = 1 << 20;

  private static final long RECENT_TS = 6;

  private final Connection connection;
  private final String namespace;
  private final Random rng;
  private final Map<String, TableShape> shapes = new LinkedHashMap<>();
  private final Map<String, Table> tables = new HashMap<>();
  private final Map<String, ArrayDeque<Long>> recentTimestamps = new HashMap<>();
  private long operations;
  private long lastAckMillis;
  private boolean bigValueWritten;
  private int bulkLoads;
  private long bulkLoadedCells;
  private int truncates;

  /**
   * A table of the workload: its families, whether it only ever gets implicit timestamps, and the
   * families that get puts only.
   */
  public record TableShape(
      TableName name,
      List<byte[]> families,
      boolean implicitOnly,
      List<byte[]> rows,
      List<byte[]> putsOnly) {

    public TableShape withFamilies(List<byte[]> families) {
      return new TableShape(name, families, implicitOnly, rows, putsOnly);
    }

    public boolean putsOnly(byte[] family) {
      return putsOnly.stream().anyMatch(f -> Arrays.equals(f, family));
    }
  }

  /** A pause: the moment T and the snapshot of each table (source table name -> snapshot name). */
  public record Pause(int index, long time, Map<String, String> snapshots) {}

  public HBaseWorkload(Connection connection, String namespace, long seed) {
    this.connection = connection;
    this.namespace = namespace;
    this.rng = new Random(seed);
    shapes.put(EXPLICIT, shape(EXPLICIT, false, "d", "m"));
    shapes.put(IMPLICIT, shape(IMPLICIT, true, "e"));
    shapes.put(MIXED, shape(MIXED, false, "p", "x", "y"));
  }

  private TableShape shape(String name, boolean implicitOnly, String... families) {
    List<byte[]> fs = new ArrayList<>();
    for (String f : families) {
      fs.add(bytes(f));
    }
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // Binary keys: any byte, 0x00 and 0xff included, 1 to 8 bytes long.
      byte[] row = new byte[1 + rng.nextInt(8)];
      rng.nextBytes(row);
      row[0] = (byte) (i * 6);
      rows.add(row);
    }
    return new TableShape(TableName.valueOf(namespace, name), fs, implicitOnly, rows, List.of());
  }

  /**
   * Creates the namespace and the tables (pre-split in two, so both region servers host them), in
   * the backup.
   */
  public void createTables() throws IOException {
    createTables(1);
  }

  /**
   * Creates the tables with this replication scope on every family: 0 keeps them out of the backup
   * until {@link #joinBackup}, so they hold data the stream never saw.
   */
  public void createTables(int scope) throws IOException {
    try (Admin admin = connection.getAdmin()) {
      try {
        admin.getNamespaceDescriptor(namespace);
      } catch (NamespaceNotFoundException e) {
        admin.createNamespace(NamespaceDescriptor.create(namespace).build());
      }
      for (TableShape s : shapes.values()) {
        TableDescriptorBuilder b = TableDescriptorBuilder.newBuilder(s.name());
        for (byte[] f : s.families()) {
          b.setColumnFamily(
              ColumnFamilyDescriptorBuilder.newBuilder(f)
                  .setMaxVersions(Integer.MAX_VALUE)
                  .setKeepDeletedCells(KeepDeletedCells.TRUE)
                  .setScope(scope)
                  .build());
        }
        admin.createTable(b.build(), new byte[][] {{(byte) 0x80}});
      }
    }
    for (TableShape s : shapes.values()) {
      tables.put(s.name().getNameAsString(), connection.getTable(s.name()));
    }
  }

  /** Sets replication scope 1 on every family: from now on the tables' edits reach the backup. */
  public void joinBackup() throws IOException {
    try (Admin admin = connection.getAdmin()) {
      for (TableShape s : shapes.values()) {
        TableDescriptor current = admin.getDescriptor(s.name());
        TableDescriptorBuilder b = TableDescriptorBuilder.newBuilder(current);
        for (ColumnFamilyDescriptor f : current.getColumnFamilies()) {
          b.modifyColumnFamily(ColumnFamilyDescriptorBuilder.newBuilder(f).setScope(1).build());
        }
        admin.modifyTable(b.build());
      }
    }
  }

  /**
   * Flushes every table: their data so far goes into HFiles (a base then has several per store).
   */
  public void flush() throws IOException {
    try (Admin admin = connection.getAdmin()) {
      for (TableShape s : shapes.values()) {
        admin.flush(s.name());
      }
    }
  }

  /** Source tables, {@code namespace:qualifier}. */
  public List<String> tableNames() {
    List<String> names = new ArrayList<>();
    shapes
        .values()
        .forEach(
            s ->
                names.add(s.name().getNamespaceAsString() + ":" + s.name().getQualifierAsString()));
    return names;
  }

  /** Tables written with implicit timestamps only. */
  public List<String> implicitTables() {
    List<String> names = new ArrayList<>();
    shapes.values().stream()
        .filter(TableShape::implicitOnly)
        .forEach(
            s ->
                names.add(s.name().getNamespaceAsString() + ":" + s.name().getQualifierAsString()));
    return names;
  }

  public long operations() {
    return operations;
  }

  /** Whether the 1 MiB value was written yet (after the first 50 writes, into {@link #MIXED}). */
  public boolean bigValueWritten() {
    return bigValueWritten;
  }

  /** One random write, acknowledged when this returns. */
  public void step() throws IOException {
    List<TableShape> all = new ArrayList<>(shapes.values());
    TableShape s = all.get(rng.nextInt(all.size()));
    Table table = tables.get(s.name().getNameAsString());
    if (s.implicitOnly()) {
      implicitWrite(s, table);
    } else {
      explicitWrite(s, table);
    }
    operations++;
    lastAckMillis = System.currentTimeMillis();
  }

  /**
   * Makes {@code n} writes, each acknowledged: the same ones for the same seed, however fast the
   * cluster is.
   */
  public void steps(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      step();
    }
  }

  /** Writes for {@code millis}, returns the number of writes. */
  public long run(long millis) throws IOException {
    long end = System.currentTimeMillis() + millis;
    long n = 0;
    while (System.currentTimeMillis() < end) {
      step();
      n++;
    }
    return n;
  }

  /**
   * Lets {@link #QUIET_MS} pass after the last acknowledged write, notes T, lets {@link #QUIET_MS}
   * pass again and snapshots every table: no write has a write time (or implicit timestamp) within
   * the quiet window around T, and writes resume only after the snapshots.
   */
  public Pause pause(int index, String snapshotPrefix) throws IOException, InterruptedException {
    sleepUntil(lastAckMillis + QUIET_MS + 1);
    long t = System.currentTimeMillis();
    sleepUntil(t + QUIET_MS + 1);
    Map<String, String> snapshots = new LinkedHashMap<>();
    List<Future<Void>> taken = new ArrayList<>();
    try (Admin admin = connection.getAdmin()) {
      for (TableShape s : shapes.values()) {
        String name = snapshotPrefix + "_" + index + "_" + s.name().getQualifierAsString();
        // FLUSH: the memstore goes into the snapshot (a bare SnapshotDescription would be a
        // DISABLED-table snapshot).
        taken.add(admin.snapshotAsync(new SnapshotDescription(name, s.name(), SnapshotType.FLUSH)));
        snapshots.put(
            s.name().getNamespaceAsString() + ":" + s.name().getQualifierAsString(), name);
      }
      for (Future<Void> f : taken) {
        f.get(5, TimeUnit.MINUTES);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "snapshot of the workload's tables at pause " + index + " failed: " + e.getMessage(), e);
    }
    return new Pause(index, t, snapshots);
  }

  /** Bulk loads done, and the cells they loaded. */
  public int bulkLoads() {
    return bulkLoads;
  }

  public long bulkLoadedCells() {
    return bulkLoadedCells;
  }

  public int truncates() {
    return truncates;
  }

  /**
   * The table's qualified name, {@code namespace:qualifier}, from its short name ({@link
   * #EXPLICIT}, ...).
   */
  public String qualified(String table) {
    TableName n = shapes.get(table).name();
    return n.getNamespaceAsString() + ":" + n.getQualifierAsString();
  }

  /**
   * Loads one HFile per family of the table with HBase's bulk-load tool: some of the table's rows,
   * its qualifiers, timestamps it used recently (a loaded cell ties with an earlier put of the same
   * timestamp, and wins; a later put of it wins over the loaded one), older and newer ones, and a
   * few DeleteColumn markers. Staged on the cluster's default file system. Returns the cells
   * loaded.
   */
  public long bulkLoad(String table) throws IOException {
    TableShape s = shapes.get(table);
    Configuration conf = connection.getConfiguration();
    FileSystem fs = FileSystem.get(conf);
    Path dir = fs.makeQualified(new Path("/tmp/rewind-workload-bulkload-" + UUID.randomUUID()));
    long now = System.currentTimeMillis();
    long cells = 0;
    try {
      for (byte[] family : s.families()) {
        List<KeyValue> kvs = new ArrayList<>();
        String key = s.name() + "/" + new String(family, StandardCharsets.ISO_8859_1);
        for (byte[] row : s.rows()) {
          if (rng.nextInt(3) != 0) {
            continue;
          }
          for (int q = 0; q < 4; q++) {
            if (rng.nextBoolean()) {
              long ts = s.implicitOnly() ? now : explicitTimestamp(now, key);
              KeyValue.Type type =
                  !s.implicitOnly() && !s.putsOnly(family) && rng.nextInt(10) == 0
                      ? KeyValue.Type.DeleteColumn
                      : KeyValue.Type.Put;
              kvs.add(
                  new KeyValue(
                      row,
                      family,
                      bytes("q" + q),
                      ts,
                      type,
                      type == KeyValue.Type.Put ? value(8 + rng.nextInt(40)) : new byte[0]));
            }
          }
        }
        kvs.sort(CellComparator.getInstance());
        if (kvs.isEmpty()) {
          continue;
        }
        Path file =
            new Path(
                new Path(dir, new String(family, StandardCharsets.UTF_8)), "load-" + bulkLoads);
        try (HFile.Writer w =
            HFile.getWriterFactory(conf, CacheConfig.DISABLED)
                .withPath(fs, file)
                .withFileContext(new HFileContextBuilder().build())
                .create()) {
          KeyValue previous = null;
          for (KeyValue kv : kvs) {
            // Two cells of one key and timestamp in one file: HBase keeps one, so the workload
            // writes one.
            if (previous == null || CellComparator.getInstance().compare(previous, kv, true) != 0) {
              w.append(kv);
              cells++;
            }
            previous = kv;
          }
        }
      }
      BulkLoadHFiles.create(conf).bulkLoad(s.name(), dir);
    } finally {
      fs.delete(dir, true);
    }
    bulkLoads++;
    bulkLoadedCells += cells;
    operations++;
    lastAckMillis = System.currentTimeMillis();
    return cells;
  }

  /** Truncates the table, keeping its region boundaries (disabling it first, as HBase requires). */
  public void truncate(String table) throws IOException {
    TableName name = shapes.get(table).name();
    try (Admin admin = connection.getAdmin()) {
      admin.disableTable(name);
      admin.truncateTable(name, true);
    }
    reopen(table);
    truncates++;
    operations++;
    lastAckMillis = System.currentTimeMillis();
  }

  /**
   * Adds a family (every version, deleted cells kept, backed up) and writes into it from now on;
   * with {@code putsOnly}, puts only (a family whose VERSIONS may be lowered later: see the class
   * comment).
   */
  public void addFamily(String table, String family, boolean putsOnly) throws IOException {
    TableShape s = shapes.get(table);
    try (Admin admin = connection.getAdmin()) {
      admin.addColumnFamily(
          s.name(),
          ColumnFamilyDescriptorBuilder.newBuilder(bytes(family))
              .setMaxVersions(Integer.MAX_VALUE)
              .setKeepDeletedCells(KeepDeletedCells.TRUE)
              .setScope(1)
              .build());
    }
    List<byte[]> families = new ArrayList<>(s.families());
    families.add(bytes(family));
    List<byte[]> onlyPuts = new ArrayList<>(s.putsOnly());
    if (putsOnly) {
      onlyPuts.add(bytes(family));
    }
    shapes.put(table, new TableShape(s.name(), families, s.implicitOnly(), s.rows(), onlyPuts));
    operations++;
    lastAckMillis = System.currentTimeMillis();
  }

  /** Removes a family: its cells are gone, and nothing is written into it any more. */
  public void removeFamily(String table, String family) throws IOException {
    TableShape s = shapes.get(table);
    try (Admin admin = connection.getAdmin()) {
      admin.deleteColumnFamily(s.name(), bytes(family));
    }
    List<byte[]> families = new ArrayList<>(s.families());
    families.removeIf(f -> Arrays.equals(f, bytes(family)));
    shapes.put(table, s.withFamilies(families));
    operations++;
    lastAckMillis = System.currentTimeMillis();
  }

  /**
   * Lowers a family's VERSIONS; from now on it gets puts only. Lower it only on a family that never
   * had a delete: HBase then drops the versions beyond it as it compacts, counting deleted ones
   * with KEEP_DELETED_CELLS, so what a read returns after a delete depends on when it compacted.
   */
  public void lowerVersions(String table, String family, int versions) throws IOException {
    TableShape s = shapes.get(table);
    try (Admin admin = connection.getAdmin()) {
      ColumnFamilyDescriptor current = admin.getDescriptor(s.name()).getColumnFamily(bytes(family));
      admin.modifyColumnFamily(
          s.name(),
          ColumnFamilyDescriptorBuilder.newBuilder(current).setMaxVersions(versions).build());
    }
    List<byte[]> putsOnly = new ArrayList<>(s.putsOnly());
    putsOnly.add(bytes(family));
    shapes.put(table, new TableShape(s.name(), s.families(), s.implicitOnly(), s.rows(), putsOnly));
    operations++;
    lastAckMillis = System.currentTimeMillis();
  }

  /** Splits the table at {@code at} and waits until its regions are back online. */
  public void split(String table, byte[] at) throws IOException {
    TableName name = shapes.get(table).name();
    try (Admin admin = connection.getAdmin()) {
      int before = admin.getRegions(name).size();
      admin.split(name, at);
      long deadline = System.currentTimeMillis() + 60_000;
      while (admin.getRegions(name).size() <= before || !admin.isTableAvailable(name)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IOException(
              "the split of "
                  + name
                  + " at "
                  + Bytes.toStringBinary(at)
                  + " did not finish in 60 s");
        }
        sleepUntil(System.currentTimeMillis() + 50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a split");
    }
    reopen(table);
    operations++;
    lastAckMillis = System.currentTimeMillis();
  }

  /** The start keys of the table's regions but the first, in order. */
  public List<byte[]> splitKeys(String table) throws IOException {
    try (Admin admin = connection.getAdmin()) {
      return splitKeys(admin, shapes.get(table).name());
    }
  }

  public static List<byte[]> splitKeys(Admin admin, TableName table) throws IOException {
    List<byte[]> keys = new ArrayList<>();
    for (RegionInfo r : admin.getRegions(table)) {
      if (r.getStartKey().length > 0 && !r.isSplitParent()) {
        keys.add(r.getStartKey());
      }
    }
    keys.sort(Bytes.BYTES_COMPARATOR);
    return keys;
  }

  /** Drops the table: the workload writes only to the others from now on. */
  public void drop(String table) throws IOException {
    TableShape s = shapes.remove(table);
    tables.remove(s.name().getNameAsString()).close();
    try (Admin admin = connection.getAdmin()) {
      admin.disableTable(s.name());
      admin.deleteTable(s.name());
    }
    operations++;
    lastAckMillis = System.currentTimeMillis();
  }

  private void reopen(String table) throws IOException {
    TableName name = shapes.get(table).name();
    Table old = tables.put(name.getNameAsString(), connection.getTable(name));
    if (old != null) {
      old.close();
    }
  }

  private void implicitWrite(TableShape s, Table table) throws IOException {
    byte[] family = s.families().get(0);
    int op = rng.nextInt(100);
    if (op < 55) {
      table.put(implicitPut(s, family, pickRow(s)));
    } else if (op < 70) {
      List<Put> batch = new ArrayList<>();
      for (int i = 0; i < 2 + rng.nextInt(3); i++) {
        batch.add(implicitPut(s, family, pickRow(s)));
      }
      table.put(batch);
    } else if (op < 85) {
      table.delete(new Delete(pickRow(s)).addColumns(family, qualifier()));
    } else if (op < 95) {
      table.delete(new Delete(pickRow(s)).addFamily(family));
    } else {
      table.delete(new Delete(pickRow(s)));
    }
  }

  private Put implicitPut(TableShape s, byte[] family, byte[] row) {
    Put p = new Put(row);
    for (int i = 0; i < 1 + rng.nextInt(3); i++) {
      p.addColumn(family, qualifier(), value(16 + rng.nextInt(64)));
    }
    return p;
  }

  private void explicitWrite(TableShape s, Table table) throws IOException {
    byte[] row = pickRow(s);
    byte[] family = s.families().get(rng.nextInt(s.families().size()));
    byte[] q = qualifier();
    String key = s.name() + "/" + new String(family, StandardCharsets.ISO_8859_1);
    long now = System.currentTimeMillis();
    int op = rng.nextInt(s.putsOnly(family) ? 52 : 100);
    if (!bigValueWritten && s.families().size() > 2 && operations > 50) {
      table.put(new Put(row).addColumn(family, q, value(BIG_VALUE_BYTES)));
      bigValueWritten = true;
    } else if (op < 20) {
      table.put(new Put(row).addColumn(family, q, value(8 + rng.nextInt(100))));
    } else if (op < 35) {
      long ts = explicitTimestamp(now, key);
      table.put(new Put(row).addColumn(family, q, ts, value(8 + rng.nextInt(100))));
    } else if (op < 45) {
      Put p = new Put(row);
      for (int v = 0; v < 2 + rng.nextInt(4); v++) {
        p.addColumn(family, q, explicitTimestamp(now, key), value(8 + rng.nextInt(40)));
      }
      table.put(p);
    } else if (op < 52) {
      List<Put> batch = new ArrayList<>();
      for (int i = 0; i < 2 + rng.nextInt(3); i++) {
        batch.add(
            new Put(pickRow(s))
                .addColumn(family, qualifier(), explicitTimestamp(now, key), value(20)));
      }
      table.put(batch);
    } else if (op < 60) {
      table.delete(new Delete(row).addColumn(family, q, recent(key, now)));
    } else if (op < 64) {
      // One version, server-resolved: the marker gets the timestamp of the newest version.
      table.delete(new Delete(row).addColumn(family, q));
    } else if (op < 71) {
      Delete d = new Delete(row);
      if (rng.nextBoolean()) {
        d.addColumns(family, q, recent(key, now));
      } else {
        d.addColumns(family, q);
      }
      table.delete(d);
    } else if (op < 76) {
      Delete d = new Delete(row);
      if (rng.nextBoolean()) {
        d.addFamily(family, recent(key, now) - rng.nextInt(50));
      } else {
        d.addFamily(family);
      }
      table.delete(d);
    } else if (op < 84) {
      table.delete(new Delete(row).addFamilyVersion(family, recent(key, now)));
    } else if (op < 92) {
      // A put and a delete with the same timestamp: the delete masks the put whatever the order.
      long ts = explicitTimestamp(now, key);
      Put p = new Put(row).addColumn(family, q, ts, value(12));
      Delete d =
          rng.nextBoolean()
              ? new Delete(row).addColumn(family, q, ts)
              : new Delete(row).addColumns(family, q, ts);
      if (rng.nextBoolean()) {
        table.put(p);
        table.delete(d);
      } else {
        table.delete(d);
        table.put(p);
      }
    } else {
      // Another version at a timestamp already used: the later put of the same cell and timestamp
      // wins.
      table.put(new Put(row).addColumn(family, q, recent(key, now), value(10)));
    }
  }

  /** Before the write time (up to 100 s), after it (up to 100 s), or one already used. */
  private long explicitTimestamp(long now, String key) {
    int kind = rng.nextInt(3);
    long ts =
        kind == 0
            ? now - 1 - rng.nextInt(100_000)
            : kind == 1 ? now + 1 + rng.nextInt(100_000) : recent(key, now);
    ArrayDeque<Long> recent = recentTimestamps.computeIfAbsent(key, k -> new ArrayDeque<>());
    recent.addLast(ts);
    if (recent.size() > RECENT_TS) {
      recent.removeFirst();
    }
    return ts;
  }

  private long recent(String key, long now) {
    ArrayDeque<Long> recent = recentTimestamps.get(key);
    if (recent == null || recent.isEmpty()) {
      return now - rng.nextInt(1000);
    }
    List<Long> list = new ArrayList<>(recent);
    return list.get(rng.nextInt(list.size()));
  }

  private byte[] pickRow(TableShape s) {
    return s.rows().get(rng.nextInt(s.rows().size()));
  }

  private byte[] qualifier() {
    return bytes("q" + rng.nextInt(4));
  }

  private byte[] value(int size) {
    byte[] v = new byte[size];
    rng.nextBytes(v);
    return v;
  }

  private static void sleepUntil(long millis) throws InterruptedException {
    long wait = millis - System.currentTimeMillis();
    while (wait > 0) {
      Thread.sleep(wait);
      wait = millis - System.currentTimeMillis();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public void close() throws IOException {
    for (Table t : tables.values()) {
      t.close();
    }
  }
}
