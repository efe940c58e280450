package io.rewind.restore;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.ArchiveCatalog;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.dump.DumpCell;
import io.rewind.store.point.RestorePoint;
import io.rewind.store.point.RestorePoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.hbase.client.Connection;

/**
 * The one way a restore is carried out, whoever asks ({@code rewind restore}, the demo, a restore
 * test): resolves the time, refuses unknown tables, prepares the target, checks the range before
 * any target table is created or written, loads the bases, replays (here or through the request's
 * engine) under the pin {@link Restore#run} takes, and verifies. The caller parses and prints.
 */
public final class Restorer {

  private final ObjectStore store;
  private final SerdeFactory serdes;
  private final String editsTopic;
  private final KeyRing keys;
  private final SortSettings sort;
  private final LeaseSettings leases;

  /**
   * @param sort memory and spill directory of the sorts (a request's spill directory replaces this
   *     one's)
   * @param leases how long the restore's pin lasts between renewals and how clocks are trusted
   */
  public Restorer(
      ObjectStore store,
      SerdeFactory serdes,
      String editsTopic,
      KeyRing keys,
      SortSettings sort,
      LeaseSettings leases) {
    this.store = store;
    this.serdes = serdes;
    this.editsTopic = editsTopic;
    this.keys = keys;
    this.sort = sort;
    this.leases = leases;
  }

  /**
   * The restorer a configuration describes: its registry, edits topic, keys (segment.encryption.*),
   * restore.* and lease.* settings.
   */
  public static Restorer of(ObjectStore store, RewindConfig config) throws IOException {
    return new Restorer(
        store,
        new KafkaClients(config).serdes(),
        new Topics(config.topicPrefix()).edits(),
        KeyRing.fromConfig(config),
        SortSettings.of(config),
        LeaseSettings.from(config));
  }

  /**
   * The restorable range of every table the store knows; refuses when it has no checkpoint or
   * nothing archived.
   */
  public RestorableRange range() throws IOException {
    Restore restore = new Restore(store, serdes, editsTopic).withKeyRing(keys);
    return restore.range(restore.catalog());
  }

  /** Carries out {@code request}. */
  public RestoreReport restore(RestoreRequest request) throws IOException {
    return prepare(request, RestoreProgress.none()).run();
  }

  /**
   * The first half of {@link #restore}, for a caller that records what it is about to do (the audit
   * trail) once the time and the tables are known: resolves the time, refuses an unwritable spill
   * directory and unknown tables. Writes nothing.
   *
   * @param progress where the replay reports records and bytes read
   */
  public Prepared prepare(RestoreRequest request, RestoreProgress progress) throws IOException {
    SortSettings sorting =
        request.spillDir() == null ? sort : sort.withSpillDirectory(request.spillDir());
    if (!request.dryRun()) {
      sorting.checkSpillDirectory();
    }
    Restore restore =
        new Restore(store, serdes, editsTopic)
            .withKeyRing(keys)
            .withSort(sorting)
            .withLeaseSettings(leases)
            .withProgress(progress);
    long time;
    String interpretation;
    List<String> tables = request.tables();
    if (request.when() instanceof RestoreRequest.When.Latest) {
      // Read once: T is this checkpoint, and the restore reports this same one.
      CheckpointFile.Stored latest =
          CheckpointFile.read(store)
              .orElseThrow(
                  () ->
                      new RestoreRefusedException(
                          "the store "
                              + store
                              + " has no checkpoint yet: nothing can be restored"));
      restore = restore.withCheckpoint(latest);
      time = latest.time;
      interpretation = "--latest: the checkpoint";
    } else if (request.when() instanceof RestoreRequest.When.Point p) {
      RestorePoint point =
          new RestorePoints(store)
              .read(RestorePoints.checkName(p.name()))
              .orElseThrow(
                  () ->
                      new RestoreRefusedException(
                          "the store "
                              + store
                              + " has no restore point "
                              + p.name()
                              + ": list them with rewind restore-point list"));
      time = point.time;
      if (tables.isEmpty()) {
        tables = List.copyOf(point.tables);
      }
      interpretation =
          "restore point "
              + point.name
              + " ("
              + TimeParser.format(point.time)
              + (point.tables.isEmpty()
                  ? ", every table"
                  : ", tables " + String.join(",", point.tables))
              + ")";
    } else {
      RestoreRequest.When.At at = (RestoreRequest.When.At) request.when();
      time = at.epochMillis();
      interpretation = at.interpretation();
    }
    ArchiveCatalog catalog = restore.catalog();
    restore.checkTablesKnown(tables, catalog);
    List<String> expected =
        request.dryRun() ? List.of() : Restore.existing(restore.tablesAt(time, tables));
    return new Prepared(request, restore, catalog, time, interpretation, tables, expected);
  }

  /** A restore whose time and tables are known, ready to run once. */
  public final class Prepared {
    private final RestoreRequest request;
    private final Restore restore;
    private final ArchiveCatalog catalog;
    private final long time;
    private final String interpretation;
    private final List<String> tables;

    /** The tables that existed at T: what the target is prepared for. */
    private final List<String> existing;

    private Prepared(
        RestoreRequest request,
        Restore restore,
        ArchiveCatalog catalog,
        long time,
        String interpretation,
        List<String> tables,
        List<String> existing) {
      this.request = request;
      this.restore = restore;
      this.catalog = catalog;
      this.time = time;
      this.interpretation = interpretation;
      this.tables = tables;
      this.existing = existing;
    }

    /** T, epoch millis. */
    public long time() {
      return time;
    }

    /** The tables asked for (a restore point's when none was); empty for every table. */
    public List<String> tables() {
      return tables;
    }

    /** Prepares the target, checks the range, loads the bases, replays and verifies. */
    public RestoreReport run() throws IOException {
      RestoreOptions options =
          new RestoreOptions(time, tables, request.parallelism(), request.dryRun());
      RestoreReport.Builder report;
      if (request.dryRun()) {
        report = restore.run(options, new DryRunTarget()).toBuilder();
      } else if (request.target() instanceof RestoreRequest.Target.Dumps dumps) {
        report = intoDumps(dumps, options);
      } else {
        report = intoHBase((RestoreRequest.Target.HBase) request.target(), options);
      }
      report.timeInterpretation = interpretation;
      report.restoreEngine = request.engineName();
      return report.build();
    }

    private RestoreReport.Builder intoDumps(
        RestoreRequest.Target.Dumps dumps, RestoreOptions options) throws IOException {
      DumpTarget target = new DumpTarget(dumps.directory(), options.time(), existing);
      RestoreReport.Builder report = restore.run(options, target).toBuilder();
      if (request.verify()) {
        report.verification = RestoreVerification.compare(report.cellsPerTable, target.readBack());
      }
      return report;
    }

    /** Into HBase tables: the range is checked before any target table is created or written. */
    private RestoreReport.Builder intoHBase(
        RestoreRequest.Target.HBase hbase, RestoreOptions options) throws IOException {
      restore.range(catalog, options.tables(), restore.bases()).check(options.time());
      var tablesAt = restore.tablesAt(options.time(), options.tables());
      Map<String, String> explicit = TableMapping.parse(hbase.map());
      for (String source : explicit.keySet()) {
        var at = tablesAt.get(source);
        if (at != null && !at.exists()) {
          throw new RestoreRefusedException(
              "--map names "
                  + source
                  + ", which did not exist at "
                  + TimeParser.format(options.time())
                  + " ("
                  + (at.droppedAt().isPresent()
                      ? "dropped at " + TimeParser.format(at.droppedAt().get())
                      : "created after it")
                  + "): leave it out of --map, or restore to a time when it existed");
        }
      }
      TableMapping mapping = TableMapping.of(existing, explicit);
      Connection connection = hbase.connection().connect();
      // A borrowed connection stays open for its owner.
      try (Connection owned = hbase.ownsConnection() ? connection : null) {
        HBaseTarget tables =
            HBaseTarget.open(connection, mapping, Restore.descriptors(tablesAt), hbase.force());
        boolean staged =
            hbase.bulkLoad()
                || tablesAt.values().stream().anyMatch(a -> a.exists() && a.base().isPresent());
        Path tempStaging =
            staged && hbase.bulkLoadDir() == null
                ? Files.createTempDirectory("rewind-bulkload")
                : null;
        org.apache.hadoop.fs.Path staging =
            new org.apache.hadoop.fs.Path(
                tempStaging != null
                    ? tempStaging.toUri().toString()
                    : hbase.bulkLoadDir() != null
                        ? hbase.bulkLoadDir()
                        : Path.of(System.getProperty("java.io.tmpdir")).toUri().toString());
        Restore loading =
            restore.withBaseLoader(new BaseImageLoader(connection, mapping, store, staging));
        RestoreTarget target =
            hbase.bulkLoad() && request.engine() == null
                ? BulkLoadTarget.open(tables, staging)
                : tables;
        if (request.engine() != null) {
          loading = loading.withEngine(request.engine().create(connection));
        }
        RestoreReport.Builder report;
        try {
          report = loading.run(options, target).toBuilder();
        } finally {
          if (tempStaging != null) {
            // Recursively and quietly: a failed load may leave files, and cleanup must not mask its
            // error.
            deleteRecursively(tempStaging);
          }
        }
        // The job writes HFiles whatever the request's mode.
        report.mode = hbase.bulkLoad() || request.engine() != null ? "bulkload" : "puts";
        if (request.verify()) {
          Set<String> fromBase = new HashSet<>();
          report.bases.forEach(b -> fromBase.add(b.table));
          report.verification =
              RestoreVerification.compare(report.cellsPerTable, target.readBack(), fromBase);
        }
        report.targetTables = mapping.targets();
        return report;
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary directory left behind is not worth failing the restore for.
    }
  }

  /** Accepts nothing: a dry run never reaches the replay. */
  private static final class DryRunTarget implements RestoreTarget {
    @Override
    public void acceptRow(String table, List<DumpCell> cells) {
      throw new IllegalStateException("a dry run writes nothing");
    }

    @Override
    public Map<String, Long> finish() {
      return Map.of();
    }
  }
}
