package io.rewind.base;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.base.TableBases;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.TableHistory;
import io.rewind.client.time.TimeParser;
import io.rewind.store.catalog.ArchiveCatalog;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.PartitionView;
import io.rewind.store.catalog.RetentionFloor;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.lease.Pin;
import io.rewind.store.lease.Pins;
import io.rewind.store.point.RestorePoint;
import io.rewind.store.point.RestorePoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy} to the store: deletes the bases and captured bulk loads no
 * restore inside the window (or to a restore point) needs, their records first so no restore picks
 * a half-deleted one, and the HFiles no remaining base or bulk load names, each table under its own
 * lease; then, under the stream's lease, the prefix of each partition's segments (the floor first,
 * then manifests, then segments). What a running restore pinned stays: the pins are read after the
 * lease (or the floor) is written, and a restore writes its pin before it reads, so one of the two
 * always sees the other.
 */
public final class Retention {

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final ObjectStore store;
  private final long intentExpiryMs;

  /**
   * How far hosts' clocks may differ (lease.clock.skew.ms): a table's edits are kept from its
   * creation less this.
   */
  private final long clockSkewMs;

  private final Leases leases;
  private final Pins pins;

  public Retention(ObjectStore store, long intentExpiryMs) {
    this(store, intentExpiryMs, LeaseSettings.from(RewindConfig.of(Map.of())));
  }

  public Retention(ObjectStore store, long intentExpiryMs, LeaseSettings leaseSettings) {
    this.store = store;
    this.intentExpiryMs = intentExpiryMs;
    this.clockSkewMs = leaseSettings.skewMs();
    this.leases = new Leases(store, leaseSettings, System::currentTimeMillis);
    this.pins = new Pins(store, leaseSettings, System::currentTimeMillis);
  }

  /** The plan for a window starting at {@code windowStart}, without deleting anything. */
  public RetentionPlan plan(long windowStart) throws IOException {
    BaseImageStore bases = new BaseImageStore(store);
    Map<String, TableBases> all = bases.all();
    List<RestorePoint> points = new RestorePoints(store).all();
    ArchiveCatalog catalog = ArchiveCatalog.read(store);
    Set<String> tables = new TreeSet<>(catalog.tables());
    TableDescriptorFile.readAll(store).forEach(d -> tables.add(d.getTable()));
    Map<String, Long> createdAt = createdAt(tables, all);
    long cutoff =
        RetentionPolicy.plan(windowStart, all, tables, Map.of(), points, createdAt, clockSkewMs)
            .segmentCutoff;
    // Each partition's oldest manifests up to the first one retention keeps: what it deletes, not
    // the history.
    Map<Integer, List<Manifest>> prefixes = new TreeMap<>();
    if (cutoff != Long.MIN_VALUE) {
      for (PartitionView p : catalog.partitions()) {
        prefixes.put(
            p.partition(),
            p.oldestThrough(m -> m.maxWriteTime == null || m.maxWriteTime <= cutoff));
      }
    }
    return RetentionPolicy.plan(windowStart, all, tables, prefixes, points, createdAt, clockSkewMs);
  }

  /**
   * When each table without a base was created, where its recorded history begins with the master
   * observer's CREATE (one listing per such table); a table seen before any recorded creation is
   * left out: it needs the whole stream.
   */
  private Map<String, Long> createdAt(Set<String> tables, Map<String, TableBases> bases)
      throws IOException {
    TableHistory history = new TableHistory(store);
    Map<String, Long> created = new TreeMap<>();
    for (String table : tables) {
      TableBases b = bases.get(table);
      if (b != null && !b.isEmpty()) {
        continue;
      }
      List<TableHistory.Entry> versions = history.list(table);
      if (!versions.isEmpty() && versions.get(0).change().equals("CREATE")) {
        created.put(table, versions.get(0).time());
      }
    }
    return created;
  }

  /** Plans and applies; {@code dryRun} only plans (and takes no lease). */
  public RetentionReport run(long windowStart, boolean dryRun)
      throws IOException, InterruptedException {
    RetentionPlan plan = plan(windowStart);
    RetentionReport report = new RetentionReport();
    report.windowStart = windowStart;
    report.windowStartIso = TimeParser.format(windowStart);
    report.segmentCutoffIso =
        plan.segmentCutoff == Long.MIN_VALUE ? null : TimeParser.format(plan.segmentCutoff);
    report.tables = plan.reasons;
    report.dryRun = dryRun;
    BulkLoadStore bulkLoads = new BulkLoadStore(store);
    Set<String> tablesToTrim = new TreeSet<>();
    plan.basesToDelete.forEach(b -> tablesToTrim.add(b.table));
    List<BulkLoadManifest> doomedLoads = new ArrayList<>();
    for (Map.Entry<String, Long> e : plan.bulkLoadCutoffs.entrySet()) {
      List<BulkLoadManifest> old = bulkLoads.between(e.getKey(), Long.MIN_VALUE, e.getValue());
      doomedLoads.addAll(old);
      if (!old.isEmpty()) {
        tablesToTrim.add(e.getKey());
      }
    }
    if (dryRun) {
      for (BaseImageManifest b : plan.basesToDelete) {
        report.basesDeleted.add(b.table + " " + b.id);
      }
      doomedLoads.forEach(load -> report.bulkLoadsDeleted.add(describe(load)));
      for (Manifest m : plan.allManifestsToDelete()) {
        report.segmentsDeleted++;
        report.segmentBytesDeleted += m.sizeBytes;
      }
      return report;
    }
    for (String table : tablesToTrim) {
      trimTable(table, windowStart, report);
    }
    if (!plan.manifestsToDelete.isEmpty()) {
      deleteSegments(windowStart, report);
    }
    LOG.info(
        "retention from {}: deleted {} bases, {} bulk loads, {} base files ({} bytes), {} segments ({} bytes); kept for running"
            + " restores: {}",
        report.windowStartIso,
        report.basesDeleted.size(),
        report.bulkLoadsDeleted.size(),
        report.baseFilesDeleted,
        report.baseBytesDeleted,
        report.segmentsDeleted,
        report.segmentBytesDeleted,
        report.keptPinned);
    return report;
  }

  private static String describe(BulkLoadManifest load) {
    return load.table + " " + load.region + " " + load.sequenceId;
  }

  /**
   * One table's bases and bulk loads no restore in the window or to a point needs, and its HFiles
   * nothing left names, under the table's lease.
   */
  private void trimTable(String table, long windowStart, RetentionReport report)
      throws IOException, InterruptedException {
    try (Lease lease = leases.acquire("retention", List.of(LeaseResources.table(table)))) {
      BaseImageStore bases = new BaseImageStore(store);
      // Planned again under the lease: another operation may have changed the table's bases since.
      RetentionPlan plan =
          RetentionPolicy.plan(
              windowStart,
              Map.of(table, bases.bases(table)),
              List.of(table),
              Map.of(),
              new RestorePoints(store).all());
      List<Pin> live = pins.live();
      for (BaseImageManifest b : plan.basesToDelete) {
        if (Pins.basePinned(live, table, b.id)) {
          report.keptPinned.add(table + " " + b.id);
          continue;
        }
        lease.check();
        bases.delete(b);
        report.basesDeleted.add(b.table + " " + b.id);
      }
      Long cutoff = plan.bulkLoadCutoffs.get(table);
      if (cutoff != null) {
        long pinnedAfter = Pins.bulkLoadsPinnedAfter(live, table);
        BulkLoadStore bulkLoads = new BulkLoadStore(store);
        for (BulkLoadManifest load : bulkLoads.between(table, Long.MIN_VALUE, cutoff)) {
          if (load.writeTime > pinnedAfter) {
            report.keptPinned.add("bulk load " + describe(load));
            continue;
          }
          lease.check();
          bulkLoads.delete(load);
          report.bulkLoadsDeleted.add(describe(load));
        }
      }
      lease.confirm();
      BaseImageStore.GarbageReport garbage =
          bases.collectGarbage(table, System.currentTimeMillis(), intentExpiryMs);
      report.baseFilesDeleted += garbage.filesDeleted;
      report.baseBytesDeleted += garbage.bytesDeleted;
    }
  }

  /**
   * The prefix of each partition's segments no restore needs, under the stream's lease: the floor,
   * then manifests, then segments.
   */
  private void deleteSegments(long windowStart, RetentionReport report)
      throws IOException, InterruptedException {
    try (Lease lease = leases.acquire("retention", List.of(LeaseResources.STREAM))) {
      RetentionPlan plan = plan(windowStart);
      if (plan.manifestsToDelete.isEmpty()) {
        return;
      }
      // The floor first: from then on no reader plans what follows, and the compactor drops it from
      // the index.
      ManifestIndex index = new ManifestIndex(store);
      ManifestIndex.FloorForWrite read = index.readFloorForWrite();
      if (read.floor().leaseEpoch > lease.epoch()) {
        throw lease.lostTo(
            "the retention floor was written under epoch " + read.floor().leaseEpoch);
      }
      RetentionFloor floor = read.floor();
      plan.manifestsToDelete.forEach(
          (p, ms) ->
              floor.partitions.merge(
                  p, ms.stream().mapToLong(m -> m.endOffset).max().getAsLong(), Math::max));
      floor.windowStart = windowStart;
      floor.writtenAt = System.currentTimeMillis();
      floor.leaseEpoch = lease.epoch();
      lease.check();
      if (!index.writeFloor(floor, read)) {
        throw lease.lostTo(
            "the retention floor was written by another writer since this retention read it");
      }
      // Pins read after the floor: a restore that pinned later reads the new floor and plans above
      // it.
      List<Pin> live = pins.live();
      List<Manifest> doomed = new ArrayList<>();
      plan.manifestsToDelete.forEach(
          (p, ms) -> {
            long firstPinned = Pins.firstPinnedOffset(live, p);
            for (Manifest m : ms) {
              if (m.endOffset <= firstPinned) {
                doomed.add(m);
              } else {
                report.keptPinned.add(m.key());
              }
            }
          });
      lease.confirm();
      // Manifests first: a crash in between leaves segments no manifest names, below the floor
      // (rewind gc).
      store.deleteAll(doomed.stream().map(Manifest::key).toList());
      store.deleteAll(doomed.stream().map(m -> m.segmentPath).toList());
      for (Manifest m : doomed) {
        report.segmentsDeleted++;
        report.segmentBytesDeleted += m.sizeBytes;
      }
    }
  }
}
