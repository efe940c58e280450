package io.rewind.base;

import io.rewind.core.base.BaseManifest;
import io.rewind.core.base.BaseStore;
import io.rewind.core.base.BulkLoadManifest;
import io.rewind.core.base.BulkLoadStore;
import io.rewind.core.base.TableBases;
import io.rewind.core.store.Manifest;
import io.rewind.core.store.ArchiveCatalog;
import io.rewind.core.store.ManifestIndex;
import io.rewind.core.store.PartitionView;
import io.rewind.core.store.RetentionFloor;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.TableDescriptorFile;
import io.rewind.core.time.TimeParser;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy} to the store: deletes the bases and captured bulk loads no
 * restore inside the window needs (their records first, so no restore picks a half-deleted one),
 * the HFiles no remaining base or bulk load names, and the prefix of each partition's segments
 * (manifest first, then the segment).
 */
public final class Retention {

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final ObjectStore store;
  private final long intentExpiryMs;

  public Retention(ObjectStore store, long intentExpiryMs) {
    this.store = store;
    this.intentExpiryMs = intentExpiryMs;
  }

  /** The plan for a window starting at {@code windowStart}, without deleting anything. */
  public RetentionPlan plan(long windowStart) throws IOException {
    BaseStore bases = new BaseStore(store);
    Map<String, TableBases> all = bases.all();
    ArchiveCatalog catalog = ArchiveCatalog.read(store);
    Set<String> tables = new TreeSet<>(catalog.tables());
    TableDescriptorFile.readAll(store).forEach(d -> tables.add(d.getTable()));
    long cutoff = RetentionPolicy.segmentCutoff(windowStart, all, tables);
    // Each partition's oldest manifests up to the first one retention keeps: what it deletes, not the history.
    Map<Integer, List<Manifest>> prefixes = new TreeMap<>();
    if (cutoff != Long.MIN_VALUE) {
      for (PartitionView p : catalog.partitions()) {
        prefixes.put(p.partition(), p.oldestThrough(m -> m.maxWriteTime == null || m.maxWriteTime <= cutoff));
      }
    }
    return RetentionPolicy.plan(windowStart, all, tables, prefixes);
  }

  /** Plans and applies; {@code dryRun} only plans. */
  public RetentionReport run(long windowStart, boolean dryRun) throws IOException {
    RetentionPlan plan = plan(windowStart);
    RetentionReport report = new RetentionReport();
    report.windowStart = windowStart;
    report.windowStartIso = TimeParser.format(windowStart);
    report.segmentCutoffIso = plan.segmentCutoff == Long.MIN_VALUE ? null : TimeParser.format(plan.segmentCutoff);
    report.tables = plan.reasons;
    report.dryRun = dryRun;
    for (BaseManifest b : plan.basesToDelete) {
      report.basesDeleted.add(b.table + " " + b.id);
    }
    BulkLoadStore bulkLoads = new BulkLoadStore(store);
    List<BulkLoadManifest> doomedLoads = new java.util.ArrayList<>();
    for (Map.Entry<String, Long> e : plan.bulkLoadCutoffs.entrySet()) {
      for (BulkLoadManifest load : bulkLoads.between(e.getKey(), Long.MIN_VALUE, e.getValue())) {
        doomedLoads.add(load);
        report.bulkLoadsDeleted.add(load.table + " " + load.region + " " + load.sequenceId);
      }
    }
    for (Manifest m : plan.allManifestsToDelete()) {
      report.segmentsDeleted++;
      report.segmentBytesDeleted += m.sizeBytes;
    }
    if (dryRun) {
      return report;
    }
    BaseStore bases = new BaseStore(store);
    for (BaseManifest b : plan.basesToDelete) {
      bases.delete(b);
    }
    for (BulkLoadManifest load : doomedLoads) {
      bulkLoads.delete(load);
    }
    BaseStore.GarbageReport garbage = bases.collectGarbage(System.currentTimeMillis(), intentExpiryMs);
    report.baseFilesDeleted = garbage.filesDeleted;
    report.baseBytesDeleted = garbage.bytesDeleted;
    // The floor first: from then on no reader plans what follows, and the compactor drops it from the index.
    ManifestIndex index = new ManifestIndex(store);
    RetentionFloor floor = index.floor();
    plan.manifestsToDelete.forEach((p, ms) -> floor.partitions.merge(p, ms.stream().mapToLong(m -> m.endOffset).max().getAsLong(), Math::max));
    if (!plan.manifestsToDelete.isEmpty()) {
      floor.windowStart = windowStart;
      floor.writtenAt = System.currentTimeMillis();
      index.writeFloor(floor);
    }
    // Manifests first: a crash in between leaves segments no manifest names, below the floor (rewind gc).
    List<Manifest> doomed = plan.allManifestsToDelete();
    store.deleteAll(doomed.stream().map(Manifest::key).toList());
    store.deleteAll(doomed.stream().map(m -> m.segmentPath).toList());
    LOG.info("retention from {}: deleted {} bases, {} bulk loads, {} base files ({} bytes), {} segments ({} bytes)", report.windowStartIso,
        report.basesDeleted.size(), report.bulkLoadsDeleted.size(), report.baseFilesDeleted, report.baseBytesDeleted, report.segmentsDeleted,
        report.segmentBytesDeleted);
    return report;
  }
}
