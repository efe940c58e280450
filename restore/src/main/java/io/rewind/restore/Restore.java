package io.rewind.restore;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.base.TableBases;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseEntry;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.TableHistory;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.ArchiveCatalog;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.PartitionView;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.io.Futures;
import io.rewind.store.lease.PinHandle;
import io.rewind.store.lease.Pins;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore to T from the object store alone: the checkpoint, the tables' versions, the bases, the
 * captured bulk loads, the manifests and the segments. Reads no Kafka and no source cluster, so it
 * works after both are gone. Each table is restored as it was at T ({@link TableTimeline}): from
 * its descriptor at T, from the newest base completed at or before T when one serves, then the
 * stream's edits and bulk-loaded cells written after the base's start (or its last truncate).
 */
public final class Restore {

  private static final Logger LOG = LoggerFactory.getLogger(Restore.class);
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private final ObjectStore store;
  private final SerdeFactory serdes;
  private final String editsTopic;
  private final KeyRing keys;
  private final RestoreProgress progress;
  private final BaseImageLoader baseLoader;
  private final SortSettings sort;
  private final LeaseSettings leaseSettings;
  private final CheckpointFile.Stored checkpoint;
  private final ReplayEngine engine;

  /**
   * The last {@link #tablesAt} computed, shared with the copies made by the withX methods: the
   * caller and the run share it.
   */
  private final TablesAtMemo memo;

  public Restore(ObjectStore store, SerdeFactory serdes, String editsTopic) {
    this(
        store,
        serdes,
        editsTopic,
        KeyRing.none(),
        RestoreProgress.none(),
        null,
        SortSettings.defaults(),
        LeaseSettings.from(RewindConfig.of(Map.of())),
        null,
        null,
        new TablesAtMemo());
  }

  private Restore(
      ObjectStore store,
      SerdeFactory serdes,
      String editsTopic,
      KeyRing keys,
      RestoreProgress progress,
      BaseImageLoader baseLoader,
      SortSettings sort,
      LeaseSettings leaseSettings,
      CheckpointFile.Stored checkpoint,
      ReplayEngine engine,
      TablesAtMemo memo) {
    this.store = store;
    this.serdes = serdes;
    this.editsTopic = editsTopic;
    this.keys = keys;
    this.progress = progress;
    this.baseLoader = baseLoader;
    this.sort = sort;
    this.leaseSettings = leaseSettings;
    this.checkpoint = checkpoint;
    this.engine = engine;
    this.memo = memo;
  }

  /** What each table was at a time, for the tables asked: computed once per time and tables. */
  private static final class TablesAtMemo {
    private long time;
    private Set<String> tables;
    private Map<String, TableTimeline.TableAtTime> at;
  }

  /** This restore with another pin lease and clock trust (lease.*). */
  public Restore withLeaseSettings(LeaseSettings settings) {
    return new Restore(
        store,
        serdes,
        editsTopic,
        keys,
        progress,
        baseLoader,
        sort,
        settings,
        checkpoint,
        engine,
        memo);
  }

  /**
   * This restore opening client-side encrypted segments with {@code key} (segment.encryption.*);
   * null when none.
   */
  public Restore withSegmentKey(SegmentKey key) {
    return withKeyRing(KeyRing.of(key));
  }

  /**
   * This restore opening client-side encrypted segments and base files with {@code keys}
   * (segment.encryption.*).
   */
  public Restore withKeyRing(KeyRing keys) {
    return new Restore(
        store,
        serdes,
        editsTopic,
        keys,
        progress,
        baseLoader,
        sort,
        leaseSettings,
        checkpoint,
        engine,
        memo);
  }

  /** This restore reporting records and bytes read to {@code progress}; none by default. */
  public Restore withProgress(RestoreProgress progress) {
    return new Restore(
        store,
        serdes,
        editsTopic,
        keys,
        progress,
        baseLoader,
        sort,
        leaseSettings,
        checkpoint,
        engine,
        memo);
  }

  /**
   * This restore loading bases into the target (an HBase restore); without one, tables served by a
   * base are refused.
   */
  public Restore withBaseLoader(BaseImageLoader loader) {
    return new Restore(
        store,
        serdes,
        editsTopic,
        keys,
        progress,
        loader,
        sort,
        leaseSettings,
        checkpoint,
        engine,
        memo);
  }

  /**
   * This restore replaying through {@code engine} (a MapReduce job) rather than in this process;
   * the target must then be the {@link HBaseTarget} the engine writes into.
   */
  public Restore withEngine(ReplayEngine engine) {
    return new Restore(
        store,
        serdes,
        editsTopic,
        keys,
        progress,
        baseLoader,
        sort,
        leaseSettings,
        checkpoint,
        engine,
        memo);
  }

  /**
   * This restore sorting partitions with {@code sort}: memory and spill directory ({@link
   * SortSettings#defaults()} by default).
   */
  public Restore withSort(SortSettings sort) {
    return new Restore(
        store,
        serdes,
        editsTopic,
        keys,
        progress,
        baseLoader,
        sort,
        leaseSettings,
        checkpoint,
        engine,
        memo);
  }

  /**
   * This restore working with {@code checkpoint}, as the caller read it (for {@code --latest}, T is
   * this checkpoint): read once, so T and the report's checkpoint are the same value.
   */
  public Restore withCheckpoint(CheckpointFile.Stored checkpoint) {
    return new Restore(
        store,
        serdes,
        editsTopic,
        keys,
        progress,
        baseLoader,
        sort,
        leaseSettings,
        checkpoint,
        engine,
        memo);
  }

  /** The committed bases of every table that has one. */
  public Map<String, TableBases> bases() throws IOException {
    return new BaseImageStore(store).all();
  }

  /**
   * The archive as the manifest index describes it (a head and the recent manifests per partition,
   * not the history).
   */
  public ArchiveCatalog catalog() throws IOException {
    return ArchiveCatalog.read(store);
  }

  /**
   * The restorable range of every table; refuses when the store has no checkpoint or nothing
   * archived.
   */
  public RestorableRange range(ArchiveCatalog catalog) throws IOException {
    return range(catalog, List.of(), bases());
  }

  /**
   * The restorable range of the given tables (empty: every table the store knows). It starts at the
   * latest of the tables' earliest points: a table with bases from its oldest base's completion,
   * one without from the first archived edit.
   */
  public RestorableRange range(
      ArchiveCatalog catalog, Collection<String> tables, Map<String, TableBases> bases)
      throws IOException {
    return range(checkpoint(), catalog, tables, bases);
  }

  /** The store's checkpoint (the one given, else read now); refuses when there is none. */
  private CheckpointFile.Stored checkpoint() throws IOException {
    if (checkpoint != null) {
      return checkpoint;
    }
    return CheckpointFile.read(store)
        .orElseThrow(
            () ->
                new RestoreRefusedException(
                    "the store "
                        + store
                        + " has no checkpoint (checkpoints/latest.json): either it is not a Rewind store"
                        + " (check --store) or the checkpoint app has not published yet (run `rewind checkpoint`)"));
  }

  private RestorableRange range(
      CheckpointFile.Stored checkpoint,
      ArchiveCatalog catalog,
      Collection<String> tables,
      Map<String, TableBases> bases)
      throws IOException {
    Set<String> restored = new TreeSet<>(tables.isEmpty() ? knownTables(catalog, bases) : tables);
    OptionalLong streamStart = catalog.minWriteTime();
    Long earliest = null;
    String reason = null;
    boolean needsStream = false;
    for (String t : restored) {
      TableBases b = bases.get(t);
      if (b != null && !b.isEmpty()) {
        long oldest = b.earliest().getAsLong();
        if (earliest == null || oldest > earliest) {
          earliest = oldest;
          reason =
              "it is before the oldest base of "
                  + t
                  + " (completed "
                  + TimeParser.format(oldest)
                  + "), and "
                  + t
                  + "'s data older than its bases is not covered";
        }
      } else {
        needsStream = true;
      }
    }
    if (needsStream || earliest == null) {
      long start =
          streamStart.orElseThrow(
              () ->
                  new RestoreRefusedException(
                      "the store "
                          + store
                          + " holds no archived edits yet: run `rewind archive` and wait for a segment"));
      if (earliest == null || start > earliest) {
        earliest = start;
        reason =
            "it is before the first archived edit, and data older than the backup stream is not covered (take a base of a"
                + " table that held data before it joined the backup: rewind base --tables ns:table)";
      }
    }
    return new RestorableRange(earliest, checkpoint.time, reason);
  }

  /**
   * Restores. A restore that writes pins what it reads before it reads anything (every offset and
   * the bases of its tables, narrowed to its plan once it has one) and renews the pin until it
   * ends, so retention and gc delete none of it meanwhile; it also waits out a base deletion under
   * way on its tables, which read the pins before this one was written.
   */
  public RestoreReport run(RestoreOptions options, RestoreTarget target) throws IOException {
    if (options.dryRun()) {
      return run(options, target, null);
    }
    Pins pins = new Pins(store, leaseSettings, System::currentTimeMillis);
    PinHandle pin;
    try {
      pin =
          pins.pinEverything(
              "restore to " + TimeParser.format(options.time()),
              options.tables().isEmpty() ? null : options.tables());
    } catch (IOException e) {
      // A restore host may hold read-only credentials: restore all the same, and say what is not
      // protected.
      LOG.warn(
          "cannot pin what this restore reads ({}): retention or gc running meanwhile may delete it, and the restore would then"
              + " fail naming the missing segment or base file",
          e.toString());
      return run(options, target, null);
    }
    try (pin) {
      awaitBaseDeletions(options.tables());
      return run(options, target, pin);
    }
  }

  /**
   * Waits until no retention or base delete holds the lease of a table restored (or of any table
   * when all are).
   */
  private void awaitBaseDeletions(Collection<String> tables) throws IOException {
    Leases leases = new Leases(store, leaseSettings, System::currentTimeMillis);
    Set<String> resources = new TreeSet<>();
    tables.forEach(t -> resources.add(LeaseResources.table(t)));
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * leaseSettings.durationMs());
    while (true) {
      List<LeaseEntry> deleting = new ArrayList<>();
      for (LeaseEntry e : leases.live()) {
        boolean deletes = e.operation.equals("retention") || e.operation.equals("base delete");
        if (deletes
            && e.resources.stream()
                .anyMatch(
                    r ->
                        r.startsWith("table:") && (resources.isEmpty() || resources.contains(r)))) {
          deleting.add(e);
        }
      }
      if (deleting.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IOException(
            "bases are being deleted on the tables restored ("
                + deleting.stream().map(LeaseEntry::describe).collect(Collectors.joining("; "))
                + ") for longer than "
                + 2 * leaseSettings.durationMs()
                + " ms: run the restore again once they are done");
      }
      LOG.info("waiting for {} before reading the bases", deleting);
      try {
        Thread.sleep(Math.min(1000, leaseSettings.pollMs()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a base deletion");
      }
    }
  }

  private RestoreReport run(RestoreOptions options, RestoreTarget target, PinHandle pin)
      throws IOException {
    long started = System.currentTimeMillis();
    // The checkpoint first: every segment it covers was committed before it was published, so the
    // listing that follows holds them all, whatever the archivers commit meanwhile.
    CheckpointFile.Stored checkpoint = checkpoint();
    ArchiveCatalog catalog = catalog();
    Map<String, TableBases> bases = bases();
    Set<String> tables = new TreeSet<>(options.tables());
    checkTablesKnown(tables, catalog);
    RestorableRange range = range(checkpoint, catalog, tables, bases);
    range.check(options.time());
    Map<String, TableTimeline.TableAtTime> at = tablesAt(options.time(), tables, catalog, bases);
    Set<String> restored = new TreeSet<>();
    Map<String, String> absent = new TreeMap<>();
    at.forEach(
        (t, a) -> {
          if (a.exists()) {
            restored.add(t);
          } else {
            absent.put(t, absence(a));
          }
        });
    Map<String, BaseImageManifest> serving = new TreeMap<>();
    Map<String, Long> replayAfter = new HashMap<>();
    for (String t : restored) {
      at.get(t).base().ifPresent(base -> serving.put(t, base));
      replayAfter.put(t, at.get(t).replayAfter());
    }
    long floor = restored.isEmpty() ? Long.MIN_VALUE : Collections.min(replayAfter.values());
    RestorePlan plan =
        RestorePlanner.plan(
            catalog.overlappingWriteTimes(floor, options.time()), options.time(), floor);
    BulkLoadStore bulkLoadStore = new BulkLoadStore(store);
    List<BulkLoadManifest> bulkLoads = new ArrayList<>();
    for (String t : restored) {
      bulkLoads.addAll(bulkLoadStore.between(t, at.get(t).replayAfter(), options.time()));
    }

    RestoreReport.Builder report = new RestoreReport.Builder();
    report.time = options.time();
    report.timeIso = TimeParser.format(options.time());
    report.checkpoint = range.checkpoint();
    report.checkpointIso = TimeParser.format(range.checkpoint());
    report.earliest = range.earliest();
    report.earliestIso = TimeParser.format(range.earliest());
    report.dryRun = options.dryRun();
    report.restoreEngine = engine == null ? "local" : engine.name();
    report.segments = plan.segments();
    report.bytes = plan.bytes();
    report.recordsPlanned = plan.records();
    Set<String> reported = new TreeSet<>(tables.isEmpty() ? plan.tables() : tables);
    reported.addAll(serving.keySet());
    reported.removeAll(absent.keySet());
    report.tables = new ArrayList<>(reported);
    report.tablesAbsentAtTime = absent.isEmpty() ? null : absent;
    serving.forEach((t, b) -> report.bases.add(RestoreReport.BaseUsed.of(t, b)));
    bulkLoads.forEach(l -> report.bulkLoadsReplayed.add(RestoreReport.BulkLoadUsed.of(l)));
    report.coversFromIso =
        plan.firstWriteTime() == null ? null : TimeParser.format(plan.firstWriteTime());
    report.coversToIso =
        plan.lastWriteTime() == null ? null : TimeParser.format(plan.lastWriteTime());
    report.parallelism = options.parallelism();
    report.estimatedDurationMs =
        RestoreEstimate.durationMs(
            plan.records(), plan.stepsByPartition().size(), options.parallelism());
    report.estimateAssumption = RestoreEstimate.assumption();
    for (List<RestorePlan.Step> steps : plan.stepsByPartition().values()) {
      for (RestorePlan.Step step : steps) {
        Manifest m = step.manifest();
        report.invalidRecordsArchived += m.invalidRecords;
        if (m.invalid != null) {
          m.invalid.forEach(
              r -> report.invalidRecordsNamed.add(RestoreReport.InvalidRecordArchived.of(m, r)));
        }
      }
    }
    if (report.invalidRecordsArchived > 0) {
      LOG.warn(
          "{} records in the planned segments failed validation when they were archived (missing headers or an"
              + " unknown schema id); copies with the reason are in the dlq topic; each one that cannot be decoded is skipped",
          report.invalidRecordsArchived);
      report.invalidRecordsNamed.forEach(
          r -> LOG.warn("{} offset {}: archived invalid: {}", r.segment, r.offset, r.reason));
    }
    LOG.info(
        "restore to {}: {} segments, {} bytes, up to {} records, {} bulk loads, tables {}",
        report.timeIso,
        plan.segments(),
        plan.bytes(),
        plan.records(),
        bulkLoads.size(),
        tables.isEmpty() ? plan.tables() : tables);
    if (options.dryRun()) {
      // A table that did not exist at T replays nothing.
      Map<String, Long> counted = new HashMap<>(replayAfter);
      absent.keySet().forEach(t -> counted.put(t, Long.MAX_VALUE));
      PlannedEdits.Count edits =
          new PlannedEdits(options.time(), tables, counted)
              .count(
                  store,
                  keys,
                  plan.stepsByPartition().values().stream().flatMap(List::stream).toList());
      // Each replayed bulk load has one record in the planned range of the stream: it is not an
      // edit.
      report.editsPlanned = edits.edits() - bulkLoads.size();
      report.segmentsReadToCount = edits.segmentsRead();
      report.durationMs = System.currentTimeMillis() - started;
      return report.build();
    }
    if (pin != null) {
      Map<Integer, Long> firstOffsets = new TreeMap<>();
      plan.stepsByPartition()
          .forEach(
              (p, steps) ->
                  firstOffsets.put(
                      p,
                      steps.stream()
                          .mapToLong(st -> st.manifest().startOffset)
                          .min()
                          .orElse(Long.MAX_VALUE)));
      Map<String, Long> bulkLoadsAfter = new TreeMap<>();
      restored.forEach(t -> bulkLoadsAfter.put(t, at.get(t).replayAfter()));
      pin.narrow(
          firstOffsets,
          serving.values().stream().map(b -> b.table + " " + b.id).toList(),
          bulkLoadsAfter);
    }
    if (!serving.isEmpty()) {
      if (baseLoader == null) {
        throw new RestoreRefusedException(
            "restoring "
                + String.join(", ", serving.keySet())
                + " to "
                + report.timeIso
                + " starts from"
                + " a base (an HBase snapshot's HFiles), which only an HBase target can load: pass --hbase-zk or --hbase-site instead of"
                + " --out, or restore other tables (--tables)");
      }
    }
    Map<String, TableTimeline.TableAtTime> restoredAt = new TreeMap<>();
    restored.forEach(t -> restoredAt.put(t, at.get(t)));
    target.tablesAt(restoredAt);

    List<PartitionReplayer> replayers = new ArrayList<>();
    SpillDirectory spill = sort.createSpillDirectory();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            options.parallelism(),
            r -> {
              Thread t = new Thread(r, "rewind-restore");
              t.setDaemon(true);
              return t;
            });
    boolean finished = false;
    try {
      // Bases first, tables in parallel: the stream's edits must land on top of them.
      List<Future<Integer>> loads = new ArrayList<>();
      if (pin != null) {
        pin.check();
      }
      if (!serving.isEmpty()) {
        baseLoader.withKeyRing(keys);
      }
      for (Map.Entry<String, BaseImageManifest> e : serving.entrySet()) {
        TableTimeline.TableAtTime table = at.get(e.getKey());
        loads.add(
            pool.submit(() -> baseLoader.load(e.getKey(), e.getValue(), table::loadsBaseFamily)));
      }
      Futures.awaitAll(loads);
      if (engine != null) {
        Set<String> planned = new HashSet<>();
        bulkLoads.forEach(l -> planned.add(BulkLoadStore.commitKey(l)));
        ReplayEngine.Replayed replayed =
            engine.replay(
                new ReplayEngine.Job(
                    options.time(),
                    tables,
                    at,
                    plan.stepsByPartition(),
                    floor,
                    editsTopic,
                    keys,
                    plan.records(),
                    plan.bytes(),
                    bulkLoads,
                    planned,
                    (HBaseTarget) target));
        target.finish();
        finished = true;
        report.editsApplied = replayed.editsApplied();
        report.duplicatesSkipped = replayed.duplicatesSkipped();
        report.recordsAfterTime = replayed.recordsAfterTime();
        report.invalidRecords = replayed.invalidRecords();
        report.segmentsMergedAway = replayed.segmentsMergedAway();
        report.bulkLoadFiles = replayed.bulkLoadFiles();
        report.bulkLoadCells = replayed.bulkLoadCells();
        report.cellsPerTable.putAll(replayed.cellsPerTable());
        report.durationMs = System.currentTimeMillis() - started;
        return report.build();
      }
      BulkLoadRuns.Written bulk =
          new BulkLoadRuns(store, keys, spill, HBaseConfiguration.create()).write(bulkLoads, at);
      report.bulkLoadFiles = bulk.fileCount;
      report.bulkLoadCells = bulk.cells;
      Set<String> planned = new HashSet<>();
      bulkLoads.forEach(l -> planned.add(BulkLoadStore.commitKey(l)));
      Map<Integer, List<RestorePlan.Step>> partitions = new TreeMap<>(plan.stepsByPartition());
      bulk.runs.keySet().forEach(p -> partitions.putIfAbsent(p, List.of()));
      long sortMemory =
          sort.perPartition(Math.min(options.parallelism(), Math.max(1, partitions.size())));
      progress.start(plan.records(), plan.bytes());
      List<Future<Void>> futures = new ArrayList<>();
      for (Map.Entry<Integer, List<RestorePlan.Step>> partition : partitions.entrySet()) {
        int p = partition.getKey();
        PartitionReplayer replayer =
            new PartitionReplayer(
                    store,
                    serdes.deserializer(WalEdit.class),
                    options.time(),
                    tables,
                    target,
                    keys,
                    progress,
                    spill,
                    sortMemory)
                .withTables(at)
                .withBulkLoads(
                    bulk.runs.getOrDefault(p, List.of()),
                    bulk.files,
                    planned,
                    serdes.deserializer(BulkLoad.class));
        replayers.add(replayer);
        futures.add(
            pool.submit(
                () -> {
                  if (pin != null) {
                    pin.check();
                  }
                  replayer.replay(
                      partition.getValue(),
                      editsTopic,
                      from -> replan(p, from, options.time(), floor));
                  return null;
                }));
      }
      Futures.awaitAll(futures);
      finished = true;
    } finally {
      stop(pool);
      progress.close();
      try {
        if (!finished) {
          target.abort();
        }
      } finally {
        spill.close();
      }
    }
    for (PartitionReplayer r : replayers) {
      report.editsApplied += r.editsApplied;
      report.duplicatesSkipped += r.duplicatesSkipped;
      report.recordsAfterTime += r.recordsAfterTime;
      report.invalidRecords += r.invalidRecords;
      report.sortRunsSpilled += r.runsSpilled;
      report.segmentsMergedAway += r.segmentsMergedAway;
      report.sortBytesSpilled += r.bytesSpilled;
    }
    report.cellsPerTable.putAll(target.finish());
    report.durationMs = System.currentTimeMillis() - started;
    return report.build();
  }

  /** Why a table is not restored at T, for the report. */
  private static String absence(TableTimeline.TableAtTime a) {
    return a.droppedAt()
        .map(d -> "dropped at " + TimeParser.format(d))
        .orElseGet(
            () -> "created at " + TimeParser.format(a.createdAfter().orElseThrow()) + ", after T");
  }

  /**
   * Stops the replay threads and waits for them, so that none still writes into the spill directory
   * or the target when they are cleaned up after a failure (they stop at their next check for an
   * interrupt: every few thousand records, each spill and each batch of rows).
   */
  private static void stop(ExecutorService pool) {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn(
            "replay threads still running {} s after the restore stopped; cleaning up anyway",
            STOP_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A partition's steps from {@code offset} on, planned again from its index as it is now. */
  private List<RestorePlan.Step> replan(int partition, long offset, long time, long floor)
      throws IOException {
    return replan(store, partition, offset, time, floor);
  }

  /**
   * A partition's steps from {@code offset} on, planned again from its index as it is now: where a
   * planned segment the compactor merged away meanwhile is read from.
   */
  public static List<RestorePlan.Step> replan(
      ObjectStore store, int partition, long offset, long time, long floor) throws IOException {
    PartitionView view = new ManifestIndex(store).open(partition);
    List<RestorePlan.Step> steps =
        RestorePlanner.plan(Map.of(partition, view.overlappingWriteTimes(floor, time)), time, floor)
            .stepsByPartition()
            .getOrDefault(partition, List.of());
    List<RestorePlan.Step> rest = new ArrayList<>();
    for (RestorePlan.Step s : steps) {
      if (s.manifest().endOffset > offset) {
        rest.add(new RestorePlan.Step(s.manifest(), Math.max(offset, s.fromOffset())));
      }
    }
    return rest;
  }

  /** The archived descriptor of every table the store knows ({@code tables/}), by table name. */
  public Map<String, TableDescriptor> descriptors() throws IOException {
    Map<String, TableDescriptor> byTable = new TreeMap<>();
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      byTable.put(d.getTable(), d);
    }
    return byTable;
  }

  /**
   * What each table was at T ({@link TableTimeline}): the tables asked for, or every table the
   * store knows when none is. A table asked for that did not exist at T (dropped before it, or
   * created after it) is refused, naming when; unasked, it is returned with {@code exists()} false.
   * Reads per table one listing of its versions and the few {@link TableTimeline#needed} names.
   */
  public Map<String, TableTimeline.TableAtTime> tablesAt(long time, Collection<String> requested)
      throws IOException {
    return tablesAt(time, requested, catalog(), bases());
  }

  private Map<String, TableTimeline.TableAtTime> tablesAt(
      long time,
      Collection<String> requested,
      ArchiveCatalog catalog,
      Map<String, TableBases> bases)
      throws IOException {
    Set<String> tables =
        new TreeSet<>(requested.isEmpty() ? knownTables(catalog, bases) : requested);
    Map<String, TableTimeline.TableAtTime> cachedAt;
    synchronized (memo) {
      if (memo.at == null || memo.time != time || !memo.tables.equals(tables)) {
        memo.at = read(time, tables, bases);
        memo.time = time;
        memo.tables = tables;
      }
      cachedAt = memo.at;
    }
    if (!requested.isEmpty()) {
      for (TableTimeline.TableAtTime a : cachedAt.values()) {
        if (!a.exists()) {
          throw new RestoreRefusedException(
              a.table()
                  + " did not exist at "
                  + TimeParser.format(time)
                  + ": it was "
                  + absence(a)
                  + (a.droppedAt().isPresent()
                      ? ". Restore it to a time before its drop, e.g. --to "
                          + TimeParser.format(a.droppedAt().get() - 1)
                      : ". Restore it to a time after its creation")
                  + ", or leave it out (--tables)");
        }
      }
    }
    return cachedAt;
  }

  /** Reads each table's versions and applies the timeline. */
  private Map<String, TableTimeline.TableAtTime> read(
      long time, Set<String> tables, Map<String, TableBases> bases) throws IOException {
    TableHistory history = new TableHistory(store);
    Map<String, TableTimeline.TableAtTime> at = new TreeMap<>();
    for (String t : tables) {
      TableBases b = bases.get(t);
      Optional<BaseImageManifest> base = b == null ? Optional.empty() : b.servingAt(time);
      List<TableDescriptor> versions = new ArrayList<>();
      for (TableHistory.Entry e : TableTimeline.needed(history.list(t), time)) {
        history
            .read(e)
            .ifPresentOrElse(
                versions::add,
                () ->
                    LOG.warn(
                        "the version {} of {} is torn (its bytes do not match its name): left out",
                        e,
                        t));
      }
      if (versions.isEmpty()) {
        // A store written before versions were kept: the one descriptor it has.
        TableDescriptorFile.read(store, t).ifPresent(versions::add);
      }
      at.put(
          t,
          versions.isEmpty()
              ? TableTimeline.TableAtTime.unrecorded(t, base)
              : TableTimeline.at(t, versions, time, base));
    }
    return at;
  }

  /**
   * The descriptor at T of each table that existed then, with its split keys at T: what a new
   * target is created from.
   */
  public static Map<String, TableDescriptor> descriptors(
      Map<String, TableTimeline.TableAtTime> tablesAt) {
    Map<String, TableDescriptor> byTable = new TreeMap<>();
    tablesAt.forEach(
        (t, a) -> {
          if (a.exists() && a.descriptor() != null) {
            byTable.put(t, a.descriptor());
          }
        });
    return byTable;
  }

  /** The tables that existed at T among {@code tablesAt}: what a restore writes. */
  public static List<String> existing(Map<String, TableTimeline.TableAtTime> tablesAt) {
    List<String> existing = new ArrayList<>();
    tablesAt.forEach(
        (t, a) -> {
          if (a.exists()) {
            existing.add(t);
          }
        });
    return existing;
  }

  /** Tables to expect in the output: those asked for, else every table the store knows. */
  public Set<String> knownTables(ArchiveCatalog catalog) throws IOException {
    return knownTables(catalog, bases());
  }

  private Set<String> knownTables(ArchiveCatalog catalog, Map<String, TableBases> bases)
      throws IOException {
    Set<String> known = new TreeSet<>(bases.keySet());
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      known.add(d.getTable());
    }
    known.addAll(catalog.tables());
    return known;
  }

  /**
   * Refuses tables the store has no backup of, naming those it has; call before preparing a target
   * ({@link #run} checks again).
   */
  public void checkTablesKnown(Collection<String> requested, ArchiveCatalog catalog)
      throws IOException {
    if (requested.isEmpty()) {
      return;
    }
    Set<String> known = knownTables(catalog);
    List<String> unknown = new ArrayList<>();
    for (String t : requested) {
      if (!known.contains(t)) {
        unknown.add(t);
      }
    }
    if (!unknown.isEmpty()) {
      throw new RestoreRefusedException(
          "unknown table"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + ": the store "
              + store
              + " has no backup of "
              + (unknown.size() > 1 ? "them" : "it")
              + ". Tables backed up: "
              + (known.isEmpty() ? "none" : String.join(", ", known))
              + " (names are namespace:qualifier, e.g. default:orders)");
    }
  }
}
