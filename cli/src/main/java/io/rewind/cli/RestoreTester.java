package io.rewind.cli;

import io.rewind.client.base.TableBases;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.restore.RestorableRange;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreRefusedException;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.RestoreRequest;
import io.rewind.restore.RestoreVerification;
import io.rewind.restore.Restorer;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import io.rewind.store.catalog.ArchiveCatalog;
import io.rewind.store.dump.CellDump;
import io.rewind.store.verify.RestoreTestRecord;
import io.rewind.store.verify.RestoreTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore test as an operation ({@code rewind verify --restore-test}): restores a sample of
 * tables (random ones unless given) to a time in their restorable range (random unless given) into
 * an isolated namespace of an HBase cluster ({@code rewind_test_<id>}) or into cell dumps, compares
 * each table with its source where the source can be an oracle, otherwise reads the restore back
 * (counts against the replay's, and a content hash), records the outcome and the measured restore
 * time in the store ({@link RestoreTests}) and removes what it restored.
 *
 * <p>The source is an oracle for a table that the same cluster holds, whose archived descriptor
 * keeps every version and deleted cells with no TTL, and whose cells carry their write times as
 * timestamps (no explicit timestamps): then a scan of the source with time range [0, T+1) is the
 * state at T. Explicit timestamps break that (a cell written before T with a later timestamp is
 * restored but not in the scan), so such tables are named in {@code --no-oracle} (or all with it)
 * and compared by counts and hash. Comparisons stream both scans in HBase's order: memory holds one
 * row's cells.
 */
final class RestoreTester {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreTester.class);
  static final String NAMESPACE_PREFIX = "rewind_test_";
  static final String SOURCE_ORACLE = "source-oracle";
  static final String COUNTS_AND_HASH = "counts-and-hash";

  private final ObjectStore store;
  private final RewindConfig config;
  private final Connection hbase;
  private final Path scratch;

  /**
   * @param hbase the cluster to restore into (and whose tables are the sources), or null for cell
   *     dumps
   * @param scratch where cell dumps and staged base files go, removed after each test
   */
  RestoreTester(ObjectStore store, RewindConfig config, Connection hbase, Path scratch) {
    this.store = store;
    this.config = config;
    this.hbase = hbase;
    this.scratch = scratch;
  }

  /** What to test. */
  record Request(
      List<String> tables,
      Long time,
      int sample,
      Set<String> noOracle,
      boolean oracle,
      long seed) {}

  /**
   * Runs one test, records its outcome in the store and returns it; a failed test is recorded too.
   */
  RestoreTestRecord run(Request request) throws IOException {
    RestoreTestRecord r = new RestoreTestRecord();
    r.id = UUID.randomUUID().toString().substring(0, 8);
    r.startedAt = System.currentTimeMillis();
    r.startedAtIso = TimeParser.format(r.startedAt);
    try {
      test(request, r);
    } catch (IOException | RuntimeException e) {
      // A refused request (or a bad setting) is the operator's to fix, not a failed test to record.
      if (Errors.kind(e) == Kind.REFUSED || e instanceof IllegalArgumentException) {
        throw e;
      }
      LOG.error("restore test {} failed", r.id, e);
      r.ok = false;
      r.error = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    r.endedAt = System.currentTimeMillis();
    r.endedAtIso = TimeParser.format(r.endedAt);
    RestoreTests.record(store, r);
    return r;
  }

  private void test(Request request, RestoreTestRecord r) throws IOException {
    KafkaClients clients = new KafkaClients(config);
    Restore restore =
        new Restore(store, clients.serdes(), clients.topics().edits())
            .withKeyRing(KeyRing.fromConfig(config));
    ArchiveCatalog catalog = restore.catalog();
    Map<String, TableBases> bases = restore.bases();
    Random random = new Random(request.seed());
    List<String> candidates =
        new ArrayList<>(
            request.tables().isEmpty() ? restore.knownTables(catalog) : request.tables());
    restore.checkTablesKnown(request.tables(), catalog);
    if (hbase == null) {
      // Cell dumps cannot load a base's HFiles: only tables without bases can be tested that way.
      candidates.removeIf(t -> bases.containsKey(t) && !bases.get(t).isEmpty());
      if (candidates.isEmpty()) {
        throw new RestoreRefusedException(
            "every table to test is restored from a base, which only an HBase target can load: pass"
                + " --hbase-zk or --hbase-site (the test restores into an isolated namespace "
                + NAMESPACE_PREFIX
                + "<id> and drops it)");
      }
    }
    List<String> sample = RestoreSample.tables(candidates, request.sample(), random);
    RestorableRange range = restore.range(catalog, sample, bases);
    long time = request.time() != null ? request.time() : RestoreSample.time(range, random);
    range.check(time);
    r.time = time;
    r.timeIso = TimeParser.format(time);
    r.tables.addAll(sample);
    RestoreRequest.Builder restoring =
        RestoreRequest.builder(RestoreRequest.When.at(time)).tables(sample);
    if (hbase != null) {
      intoHBase(restore, restoring, request, r);
    } else {
      intoDumps(restoring, r);
    }
    r.ok = r.results.values().stream().allMatch(t -> t.ok);
    if (!r.ok) {
      r.error =
          "restored tables differ: "
              + String.join(
                  "; ",
                  r.results.entrySet().stream()
                      .filter(e -> !e.getValue().ok)
                      .map(e -> e.getKey() + ": " + e.getValue().mismatch)
                      .toList());
    }
  }

  private void intoHBase(
      Restore restore, RestoreRequest.Builder restoring, Request request, RestoreTestRecord r)
      throws IOException {
    String namespace = NAMESPACE_PREFIX + r.id;
    Map<String, String> targets = new LinkedHashMap<>();
    List<String> map = new ArrayList<>();
    for (String source : r.tables) {
      TableName name = TableName.valueOf(source);
      targets.put(
          source,
          namespace + ":" + name.getNamespaceAsString() + "_" + name.getQualifierAsString());
      map.add(source + "=" + targets.get(source));
    }
    r.target = "HBase namespace " + namespace + " (dropped after the test)";
    Map<String, TableDescriptor> descriptors =
        Restore.descriptors(restore.tablesAt(r.time, r.tables));
    Path staging = Files.createTempDirectory(scratch, "bases-");
    try (Admin admin = hbase.getAdmin()) {
      admin.createNamespace(NamespaceDescriptor.create(namespace).build());
      try {
        // Bases are staged in the scratch directory, not the system's temporary one.
        RestoreRequest.Target target =
            RestoreRequest.Target.HBase.through(hbase)
                .withMap(map)
                .withBulkLoad(false, staging.toUri().toString());
        long started = System.nanoTime();
        RestoreReport report = Restorer.of(store, config).restore(restoring.target(target).build());
        measured(r, report, (System.nanoTime() - started) / 1_000_000);
        Set<String> fromBase = new TreeSet<>();
        report.bases.forEach(b -> fromBase.add(b.table));
        for (String source : r.tables) {
          TableName restored = TableName.valueOf(targets.get(source));
          boolean oracle =
              request.oracle()
                  && !request.noOracle().contains(source)
                  && oracleCapable(admin, source, descriptors.get(source));
          r.results.put(
              source,
              oracle
                  ? againstSource(TableName.valueOf(source), restored, r.time)
                  : readBack(
                      restored,
                      fromBase.contains(source)
                          ? null
                          : report.cellsPerTable.getOrDefault(source, 0L)));
        }
      } finally {
        drop(admin, namespace);
      }
    } finally {
      ScratchDir.deleteRecursively(staging);
    }
  }

  private void intoDumps(RestoreRequest.Builder restoring, RestoreTestRecord r) throws IOException {
    Path dir = Files.createTempDirectory(scratch, "dumps-");
    r.target = "cell dumps (removed after the test)";
    try {
      long started = System.nanoTime();
      RestoreReport report =
          Restorer.of(store, config)
              .restore(restoring.target(new RestoreRequest.Target.Dumps(dir)).verify(true).build());
      measured(r, report, (System.nanoTime() - started) / 1_000_000);
      for (String table : r.tables) {
        RestoreVerification.TableCount count = report.verification.tables.get(table);
        RestoreTestRecord.TableResult t = new RestoreTestRecord.TableResult();
        t.mode = COUNTS_AND_HASH;
        t.cells = count == null ? 0 : count.found;
        t.expectedCells = report.cellsPerTable.getOrDefault(table, 0L);
        t.sha256 = fileSha256(dir.resolve(CellDump.fileName(table)));
        t.ok = t.cells == t.expectedCells;
        if (!t.ok) {
          t.mismatch = "the dump holds " + t.cells + " cells, the replay wrote " + t.expectedCells;
        }
        r.results.put(table, t);
      }
    } finally {
      ScratchDir.deleteRecursively(dir);
    }
  }

  private static void measured(RestoreTestRecord r, RestoreReport report, long ms) {
    r.restoreMs = ms;
    r.editsApplied = report.editsApplied;
    r.segments = report.segments;
    r.bases = report.bases.size();
    r.bytes = report.bytes + report.bases.stream().mapToLong(b -> b.bytes).sum();
    r.bytesPerSecond = ms == 0 ? r.bytes : r.bytes * 1000 / ms;
  }

  /**
   * Whether a [0, T+1) scan of the source is the state at T: the cluster holds the source, and
   * every family keeps all versions and deleted cells, with no TTL.
   */
  static boolean oracleCapable(Admin admin, String source, TableDescriptor archived)
      throws IOException {
    if (archived == null || !admin.tableExists(TableName.valueOf(source))) {
      return false;
    }
    for (FamilyDescriptor f : archived.getFamilies()) {
      if (f.getMaxVersions() != HConstants.ALL_VERSIONS
          || !"TRUE".equalsIgnoreCase(f.getKeepDeletedCells())
          || f.getTtlSeconds() != HConstants.FOREVER) {
        return false;
      }
    }
    return true;
  }

  /**
   * The restored table against the source read with time range [0, T+1), cell for cell, streamed.
   */
  private RestoreTestRecord.TableResult againstSource(
      TableName source, TableName restored, long time) throws IOException {
    RestoreTestRecord.TableResult t = new RestoreTestRecord.TableResult();
    t.mode = SOURCE_ORACLE;
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    long expected = 0;
    try (Table s = hbase.getTable(source);
        Table d = hbase.getTable(restored);
        ResultScanner sourceScan =
            s.getScanner(new Scan().readAllVersions().setTimeRange(0, time + 1));
        ResultScanner restoredScan = d.getScanner(new Scan().readAllVersions())) {
      Iterator<Cell> want = cells(sourceScan);
      Iterator<Cell> got = cells(restoredScan);
      while (got.hasNext()) {
        Cell c = got.next();
        t.cells++;
        hash(digest, c);
        if (t.mismatch == null) {
          if (!want.hasNext()) {
            t.mismatch = "the restore holds " + describe(c) + " beyond the source's last cell at T";
          } else {
            Cell w = want.next();
            expected++;
            if (!same(w, c)) {
              t.mismatch =
                  "the source at T holds "
                      + describe(w)
                      + " where the restore holds "
                      + describe(c);
            }
          }
        }
      }
      while (want.hasNext()) {
        Cell w = want.next();
        if (t.mismatch == null) {
          t.mismatch = "the source at T holds " + describe(w) + " beyond the restore's last cell";
        }
        expected++;
      }
    }
    t.expectedCells = expected;
    t.sha256 = ManifestCodec.Sha256.toHex(digest.digest());
    t.ok = t.mismatch == null;
    return t;
  }

  /**
   * The restored table read back: its cell count against the replay's (null: loaded from a base,
   * not compared) and its hash.
   */
  private RestoreTestRecord.TableResult readBack(TableName restored, Long replayed)
      throws IOException {
    RestoreTestRecord.TableResult t = new RestoreTestRecord.TableResult();
    t.mode = COUNTS_AND_HASH;
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    try (Table d = hbase.getTable(restored);
        ResultScanner scan = d.getScanner(new Scan().readAllVersions())) {
      for (Iterator<Cell> it = cells(scan); it.hasNext(); ) {
        hash(digest, it.next());
        t.cells++;
      }
    }
    t.sha256 = ManifestCodec.Sha256.toHex(digest.digest());
    t.expectedCells = replayed;
    if (replayed == null) {
      t.ok = true;
      t.note =
          "loaded from a base, then the stream: its cells are counted and hashed, not compared (the replay counts only its own)";
    } else {
      t.ok = t.cells == replayed;
      if (!t.ok) {
        t.mismatch = "read back " + t.cells + " cells, the replay wrote " + replayed;
      }
    }
    return t;
  }

  private static Iterator<Cell> cells(ResultScanner scanner) {
    Iterator<Result> results = scanner.iterator();
    return new Iterator<>() {
      private Cell[] row = new Cell[0];
      private int i;

      @Override
      public boolean hasNext() {
        while (i >= row.length) {
          if (!results.hasNext()) {
            return false;
          }
          row = results.next().rawCells();
          i = 0;
        }
        return true;
      }

      @Override
      public Cell next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return row[i++];
      }
    };
  }

  private static boolean same(Cell a, Cell b) {
    return CellUtil.matchingRows(a, b)
        && CellUtil.matchingFamily(a, b)
        && CellUtil.matchingQualifier(a, b)
        && a.getTimestamp() == b.getTimestamp()
        && CellUtil.matchingValue(a, b);
  }

  private static String describe(Cell c) {
    return "row "
        + Bytes.toStringBinary(CellUtil.cloneRow(c))
        + " "
        + Bytes.toStringBinary(CellUtil.cloneFamily(c))
        + ":"
        + Bytes.toStringBinary(CellUtil.cloneQualifier(c))
        + " @"
        + c.getTimestamp()
        + " ("
        + c.getValueLength()
        + "-byte value)";
  }

  private static void hash(MessageDigest digest, Cell c) {
    part(digest, c.getRowArray(), c.getRowOffset(), c.getRowLength());
    part(digest, c.getFamilyArray(), c.getFamilyOffset(), c.getFamilyLength());
    part(digest, c.getQualifierArray(), c.getQualifierOffset(), c.getQualifierLength());
    digest.update(ByteBuffer.allocate(8).putLong(c.getTimestamp()).array());
    part(digest, c.getValueArray(), c.getValueOffset(), c.getValueLength());
  }

  private static void part(MessageDigest digest, byte[] array, int offset, int length) {
    digest.update(ByteBuffer.allocate(4).putInt(length).array());
    digest.update(array, offset, length);
  }

  private static String fileSha256(Path file) throws IOException {
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return ManifestCodec.Sha256.toHex(digest.digest());
  }

  /** Drops the test's tables and namespace (whatever the test left), logging what it cannot. */
  private static void drop(Admin admin, String namespace) {
    try {
      for (TableName t : admin.listTableNamesByNamespace(namespace)) {
        if (admin.isTableEnabled(t)) {
          admin.disableTable(t);
        }
        admin.deleteTable(t);
      }
      admin.deleteNamespace(namespace);
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "cannot drop the restore test's namespace {} ({}): drop it by hand (disable and drop its tables, then"
              + " drop_namespace '{}')",
          namespace,
          e.toString(),
          namespace);
    }
  }

  /** Pure: which tables and which time a test restores. */
  static final class RestoreSample {
    private RestoreSample() {}

    /** {@code n} of the candidates (all when fewer), drawn at random, in name order. */
    static List<String> tables(Collection<String> candidates, int n, Random random) {
      List<String> pool = new ArrayList<>(new TreeSet<>(candidates));
      Collections.shuffle(pool, random);
      return new ArrayList<>(new TreeSet<>(pool.subList(0, Math.min(n, pool.size()))));
    }

    /** A time in the range, inclusive at both ends. */
    static long time(RestorableRange range, Random random) {
      long span = range.checkpoint() - range.earliest();
      return range.earliest() + (span <= 0 ? 0 : (long) (random.nextDouble() * (span + 1)));
    }
  }
}
