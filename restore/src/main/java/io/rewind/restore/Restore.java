package io.rewind.restore;

import io.rewind.core.base.BaseManifest;
import io.rewind.core.base.BaseStore;
import io.rewind.core.base.TableBases;
import io.rewind.core.io.Futures;
import io.rewind.core.lease.LeaseEntry;
import io.rewind.core.lease.LeaseResources;
import io.rewind.core.lease.LeaseSettings;
import io.rewind.core.lease.Leases;
import io.rewind.core.lease.PinHandle;
import io.rewind.core.lease.Pins;
import io.rewind.core.segment.KeyRing;
import io.rewind.core.segment.SegmentKey;
import io.rewind.core.store.CheckpointFile;
import io.rewind.core.store.Manifest;
import io.rewind.core.store.ArchiveCatalog;
import io.rewind.core.store.ManifestIndex;
import io.rewind.core.store.PartitionView;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.TableDescriptorFile;
import io.rewind.core.time.TimeParser;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore to T from the object store alone: the checkpoint, the bases, the manifests and the
 * segments. Reads no Kafka and no source cluster, so it works after both are gone. A table with a
 * base completed at or before T is loaded from the newest such base, then the stream's edits
 * written after the base's start (less the margin) are replayed on top.
 */
public final class Restore {

  private static final Logger LOG = LoggerFactory.getLogger(Restore.class);
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private final ObjectStore store;
  private final SerdeFactory serdes;
  private final String editsTopic;
  private KeyRing keys = KeyRing.none();
  private RestoreProgress progress = RestoreProgress.none();
  private BaseLoader baseLoader;
  private SortSettings sort = SortSettings.defaults();
  private LeaseSettings leaseSettings = LeaseSettings.from(io.rewind.core.config.RewindConfig.of(Map.of()));

  public Restore(ObjectStore store, SerdeFactory serdes, String editsTopic) {
    this.store = store;
    this.serdes = serdes;
    this.editsTopic = editsTopic;
  }

  /** How long the restore's pin lasts between renewals and how clocks are trusted (lease.*). */
  public Restore withLeaseSettings(LeaseSettings settings) {
    this.leaseSettings = settings;
    return this;
  }

  /** The key that opens client-side encrypted segments (segment.encryption.*); null when none. */
  public Restore withSegmentKey(SegmentKey key) {
    return withKeyRing(KeyRing.of(key));
  }

  /** The keys that open client-side encrypted segments and base files (segment.encryption.*). */
  public Restore withKeyRing(KeyRing keys) {
    this.keys = keys;
    return this;
  }

  /** Where the replay reports records and bytes read; none by default. */
  public Restore withProgress(RestoreProgress progress) {
    this.progress = progress;
    return this;
  }

  /** Loads bases into the target (an HBase restore); without one, tables served by a base are refused. */
  public Restore withBaseLoader(BaseLoader loader) {
    this.baseLoader = loader;
    return this;
  }

  /** How partitions are sorted: memory and spill directory ({@link SortSettings#defaults()} by default). */
  public Restore withSort(SortSettings sort) {
    this.sort = sort;
    return this;
  }

  /** The committed bases of every table that has one. */
  public Map<String, TableBases> bases() throws IOException {
    return new BaseStore(store).all();
  }

  /** The archive as the manifest index describes it (a head and the recent manifests per partition, not the history). */
  public ArchiveCatalog catalog() throws IOException {
    return ArchiveCatalog.read(store);
  }

  /** The restorable range of every table; refuses when the store has no checkpoint or nothing archived. */
  public RestorableRange range(ArchiveCatalog catalog) throws IOException {
    return range(catalog, List.of(), bases());
  }

  /**
   * The restorable range of the given tables (empty: every table the store knows). It starts at the
   * latest of the tables' earliest points: a table with bases from its oldest base's completion,
   * one without from the first archived edit.
   */
  public RestorableRange range(ArchiveCatalog catalog, java.util.Collection<String> tables, Map<String, TableBases> bases)
      throws IOException {
    return range(checkpoint(), catalog, tables, bases);
  }

  /** The store's checkpoint; refuses when there is none. */
  private CheckpointFile.Stored checkpoint() throws IOException {
    return CheckpointFile.read(store)
        .orElseThrow(
            () -> new RestoreRefusedException(
                "the store " + store + " has no checkpoint (checkpoints/latest.json): either it is not a Rewind store"
                    + " (check --store) or the checkpoint app has not published yet (run `rewind checkpoint`)"));
  }

  private RestorableRange range(CheckpointFile.Stored checkpoint, ArchiveCatalog catalog, java.util.Collection<String> tables,
      Map<String, TableBases> bases) throws IOException {
    Set<String> restored = new TreeSet<>(tables.isEmpty() ? knownTables(catalog, bases) : tables);
    java.util.OptionalLong streamStart = catalog.minWriteTime();
    Long earliest = null;
    String reason = null;
    boolean needsStream = false;
    for (String t : restored) {
      TableBases b = bases.get(t);
      if (b != null && !b.isEmpty()) {
        long oldest = b.earliest().getAsLong();
        if (earliest == null || oldest > earliest) {
          earliest = oldest;
          reason = "it is before the oldest base of " + t + " (completed " + TimeParser.format(oldest) + "), and " + t
              + "'s data older than its bases is not covered";
        }
      } else {
        needsStream = true;
      }
    }
    if (needsStream || earliest == null) {
      long start = streamStart.orElseThrow(
          () -> new RestoreRefusedException(
              "the store " + store + " holds no archived edits yet: run `rewind archive` and wait for a segment"));
      if (earliest == null || start > earliest) {
        earliest = start;
        reason = "it is before the first archived edit, and data older than the backup stream is not covered (take a base of a"
            + " table that held data before it joined the backup: rewind base --tables ns:table)";
      }
    }
    return new RestorableRange(earliest, checkpoint.time, reason);
  }

  /**
   * Restores. A restore that writes pins what it reads before it reads anything (every offset and
   * the bases of its tables, narrowed to its plan once it has one) and renews the pin until it ends,
   * so retention and gc delete none of it meanwhile; it also waits out a base deletion under way on
   * its tables, which read the pins before this one was written.
   */
  public RestoreReport run(RestoreOptions options, RestoreTarget target) throws IOException {
    if (options.dryRun()) {
      return run(options, target, null);
    }
    Pins pins = new Pins(store, leaseSettings, System::currentTimeMillis);
    PinHandle pin;
    try {
      pin = pins.pinEverything("restore to " + TimeParser.format(options.time()), options.tables().isEmpty() ? null : options.tables());
    } catch (IOException e) {
      // A restore host may hold read-only credentials: restore all the same, and say what is not protected.
      LOG.warn("cannot pin what this restore reads ({}): retention or gc running meanwhile may delete it, and the restore would then"
          + " fail naming the missing segment or base file", e.toString());
      return run(options, target, null);
    }
    try (pin) {
      awaitBaseDeletions(options.tables());
      return run(options, target, pin);
    }
  }

  /** Waits until no retention or base delete holds the lease of a table restored (or of any table when all are). */
  private void awaitBaseDeletions(java.util.Collection<String> tables) throws IOException {
    Leases leases = new Leases(store, leaseSettings, System::currentTimeMillis);
    Set<String> resources = new TreeSet<>();
    tables.forEach(t -> resources.add(LeaseResources.table(t)));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2 * leaseSettings.durationMs());
    while (true) {
      List<LeaseEntry> deleting = new ArrayList<>();
      for (LeaseEntry e : leases.live()) {
        boolean deletes = e.operation.equals("retention") || e.operation.equals("base delete");
        if (deletes && e.resources.stream().anyMatch(r -> r.startsWith("table:") && (resources.isEmpty() || resources.contains(r)))) {
          deleting.add(e);
        }
      }
      if (deleting.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IOException("bases are being deleted on the tables restored (" + deleting.stream().map(LeaseEntry::describe)
            .collect(java.util.stream.Collectors.joining("; ")) + ") for longer than " + 2 * leaseSettings.durationMs()
            + " ms: run the restore again once they are done");
      }
      LOG.info("waiting for {} before reading the bases", deleting);
      try {
        Thread.sleep(Math.min(1000, leaseSettings.pollMs()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for a base deletion");
      }
    }
  }

  private RestoreReport run(RestoreOptions options, RestoreTarget target, PinHandle pin) throws IOException {
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
    Map<String, BaseManifest> serving = new java.util.TreeMap<>();
    Set<String> restored = tables.isEmpty() ? knownTables(catalog, bases) : tables;
    for (String t : restored) {
      TableBases b = bases.get(t);
      if (b != null) {
        b.servingAt(options.time()).ifPresent(base -> serving.put(t, base));
      }
    }
    Map<String, Long> replayAfter = new java.util.HashMap<>();
    serving.forEach((t, b) -> replayAfter.put(t, b.replayAfter));
    long floor = serving.keySet().containsAll(restored) && !serving.isEmpty()
        ? java.util.Collections.min(replayAfter.values())
        : Long.MIN_VALUE;
    RestorePlan plan = RestorePlanner.plan(catalog.overlappingWriteTimes(floor, options.time()), options.time(), floor);

    RestoreReport report = new RestoreReport();
    report.time = options.time();
    report.timeIso = TimeParser.format(options.time());
    report.checkpoint = range.checkpoint();
    report.checkpointIso = TimeParser.format(range.checkpoint());
    report.earliest = range.earliest();
    report.earliestIso = TimeParser.format(range.earliest());
    report.dryRun = options.dryRun();
    report.segments = plan.segments();
    report.bytes = plan.bytes();
    report.recordsPlanned = plan.records();
    Set<String> reported = new TreeSet<>(tables.isEmpty() ? plan.tables() : tables);
    reported.addAll(serving.keySet());
    report.tables = new ArrayList<>(reported);
    serving.forEach((t, b) -> report.bases.add(RestoreReport.BaseUsed.of(t, b)));
    report.coversFromIso = plan.firstWriteTime() == null ? null : TimeParser.format(plan.firstWriteTime());
    report.coversToIso = plan.lastWriteTime() == null ? null : TimeParser.format(plan.lastWriteTime());
    report.parallelism = options.parallelism();
    report.estimatedDurationMs = RestoreEstimate.durationMs(plan.records(), plan.stepsByPartition().size(), options.parallelism());
    report.estimateAssumption = RestoreEstimate.assumption();
    for (List<RestorePlan.Step> steps : plan.stepsByPartition().values()) {
      for (RestorePlan.Step step : steps) {
        Manifest m = step.manifest();
        report.invalidRecordsArchived += m.invalidRecords;
        if (m.invalid != null) {
          m.invalid.forEach(r -> report.invalidRecordsNamed.add(RestoreReport.InvalidRecordArchived.of(m, r)));
        }
      }
    }
    if (report.invalidRecordsArchived > 0) {
      LOG.warn("{} records in the planned segments failed validation when they were archived (missing headers or an"
          + " unknown schema id); copies with the reason are in the dlq topic; each one that cannot be decoded is skipped",
          report.invalidRecordsArchived);
      report.invalidRecordsNamed.forEach(r -> LOG.warn("{} offset {}: archived invalid: {}", r.segment, r.offset, r.reason));
    }
    LOG.info("restore to {}: {} segments, {} bytes, up to {} records, tables {}",
        report.timeIso, plan.segments(), plan.bytes(), plan.records(), tables.isEmpty() ? plan.tables() : tables);
    if (options.dryRun()) {
      PlannedEdits.Count edits = new PlannedEdits(options.time(), tables, replayAfter)
          .count(store, keys, plan.stepsByPartition().values().stream().flatMap(List::stream).toList());
      report.editsPlanned = edits.edits();
      report.segmentsReadToCount = edits.segmentsRead();
      report.durationMs = System.currentTimeMillis() - started;
      return report;
    }
    if (pin != null) {
      Map<Integer, Long> firstOffsets = new java.util.TreeMap<>();
      plan.stepsByPartition().forEach((p, steps) -> firstOffsets.put(p, steps.stream().mapToLong(st -> st.manifest().startOffset).min()
          .orElse(Long.MAX_VALUE)));
      pin.narrow(firstOffsets, serving.values().stream().map(b -> b.table + " " + b.id).toList());
    }
    if (!serving.isEmpty()) {
      if (baseLoader == null) {
        throw new RestoreRefusedException("restoring " + String.join(", ", serving.keySet()) + " to " + report.timeIso + " starts from"
            + " a base (an HBase snapshot's HFiles), which only an HBase target can load: pass --hbase-zk or --hbase-site instead of"
            + " --out, or restore other tables (--tables)");
      }
    }

    List<PartitionReplayer> replayers = new ArrayList<>();
    long sortMemory = sort.perPartition(Math.min(options.parallelism(), Math.max(1, plan.stepsByPartition().size())));
    SpillDirectory spill = sort.createSpillDirectory();
    ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
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
      for (Map.Entry<String, BaseManifest> e : serving.entrySet()) {
        loads.add(pool.submit(() -> baseLoader.load(e.getKey(), e.getValue())));
      }
      Futures.awaitAll(loads);
      progress.start(plan.records(), plan.bytes());
      List<Future<Void>> futures = new ArrayList<>();
      for (Map.Entry<Integer, List<RestorePlan.Step>> partition : plan.stepsByPartition().entrySet()) {
        PartitionReplayer replayer =
            new PartitionReplayer(store, serdes.deserializer(WalEdit.class), options.time(), tables, target, keys, progress, spill,
                sortMemory)
                .withReplayAfter(replayAfter);
        replayers.add(replayer);
        int p = partition.getKey();
        futures.add(pool.submit(() -> {
          if (pin != null) {
            pin.check();
          }
          replayer.replay(partition.getValue(), editsTopic, from -> replan(p, from, options.time(), floor));
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
    return report;
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
        LOG.warn("replay threads still running {} s after the restore stopped; cleaning up anyway", STOP_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A partition's steps from {@code offset} on, planned again from its index as it is now. */
  private List<RestorePlan.Step> replan(int partition, long offset, long time, long floor) throws IOException {
    PartitionView view = new ManifestIndex(store).open(partition);
    List<RestorePlan.Step> steps = RestorePlanner.plan(Map.of(partition, view.overlappingWriteTimes(floor, time)), time, floor)
        .stepsByPartition().getOrDefault(partition, List.of());
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
    Map<String, TableDescriptor> byTable = new java.util.TreeMap<>();
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      byTable.put(d.getTable(), d);
    }
    return byTable;
  }

  /**
   * The archived descriptors, each table restored from a base split at the base's region boundaries
   * (unless its descriptor names split keys), so the target starts with the source's regions.
   */
  public Map<String, TableDescriptor> descriptorsAt(long time, Map<String, TableBases> bases) throws IOException {
    Map<String, TableDescriptor> byTable = descriptors();
    for (Map.Entry<String, TableDescriptor> e : byTable.entrySet()) {
      TableBases b = bases.get(e.getKey());
      java.util.Optional<BaseManifest> base = b == null ? java.util.Optional.empty() : b.servingAt(time);
      if (base.isPresent() && e.getValue().getSplitKeys().isEmpty() && base.get().regions.size() > 1) {
        List<java.nio.ByteBuffer> splits = new ArrayList<>();
        base.get().regions.stream().skip(1)
            .forEach(r -> splits.add(java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(r.startKey))));
        e.setValue(TableDescriptor.newBuilder(e.getValue()).setSplitKeys(splits).build());
      }
    }
    return byTable;
  }

  /** Tables to expect in the output: those asked for, else every table the store knows. */
  public Set<String> knownTables(ArchiveCatalog catalog) throws IOException {
    return knownTables(catalog, bases());
  }

  private Set<String> knownTables(ArchiveCatalog catalog, Map<String, TableBases> bases) throws IOException {
    Set<String> known = new TreeSet<>(bases.keySet());
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      known.add(d.getTable());
    }
    known.addAll(catalog.tables());
    return known;
  }

  /**
   * Refuses tables the store has no backup of, naming those it has; call before preparing a
   * target ({@link #run} checks again).
   */
  public void checkTablesKnown(java.util.Collection<String> requested, ArchiveCatalog catalog) throws IOException {
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
          "unknown table" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + ": the store " + store
              + " has no backup of " + (unknown.size() > 1 ? "them" : "it") + ". Tables backed up: "
              + (known.isEmpty() ? "none" : String.join(", ", known))
              + " (names are namespace:qualifier, e.g. default:orders)");
    }
  }
}
