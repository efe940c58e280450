package io.rewind.monitoring;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.TableBases;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.store.catalog.ArchiveCatalog;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.catalog.PartitionView;
import io.rewind.store.verify.RestoreTestRecord;
import io.rewind.store.verify.RestoreTests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The object store's part of the status: per partition the committed chain and its newest segment,
 * per table the restorable range. Read through the manifest index (a head, a listing and the
 * level-0 manifests not read at an earlier refresh, per partition), so a refresh costs the same
 * whatever the store's age.
 */
public final class StoreStatus {

  static final String TABLE_BASIS =
      "first archived edit (no base: data the table held before it joined the backup is not covered;"
          + " rewind base --tables <table>)";

  private final ObjectStore store;
  private final ManifestIndex index;

  public StoreStatus(ObjectStore store) {
    this.store = store;
    this.index = new ManifestIndex(store, true);
  }

  /** What one refresh read. */
  public record Snapshot(
      Map<Integer, ManifestStore.Chain> chains,
      List<PartitionSegments> segments,
      List<TableRange> tables,
      RestoreTestRecord restoreTest) {}

  public Snapshot read() throws IOException {
    ArchiveCatalog catalog = ArchiveCatalog.read(index);
    Map<Integer, ManifestStore.Chain> chains = new TreeMap<>();
    List<PartitionSegments> segments = new ArrayList<>();
    for (PartitionView view : catalog.partitions()) {
      ManifestStore.Chain chain = view.chain();
      chains.put(view.partition(), chain);
      Manifest newest = view.newest().orElse(null);
      PartitionSegments.Segment segment =
          newest == null
              ? null
              : new PartitionSegments.Segment(
                  newest.startOffset,
                  newest.endOffset,
                  newest.recordCount,
                  newest.sizeBytes,
                  newest.maxWriteTime,
                  newest.committedAt,
                  TimeParser.format(newest.committedAt),
                  newest.segmentPath,
                  newest.archiver);
      segments.add(
          new PartitionSegments(
              view.partition(), chain.start(), chain.end(), (int) view.manifestCount(), segment));
    }
    // One small object (verify/restore-tests/latest.json and its backup), however many tests ran.
    return new Snapshot(chains, segments, tables(catalog), RestoreTests.latest(store).orElse(null));
  }

  private List<TableRange> tables(ArchiveCatalog catalog) throws IOException {
    Map<String, long[]> tables = new TreeMap<>(); // earliest, edits
    catalog
        .tableStats()
        .forEach(
            (table, stats) -> {
              if (!table.isEmpty() && stats.minWriteTime != null) {
                tables.put(table, new long[] {stats.minWriteTime, stats.edits});
              }
            });
    Map<String, TableBases> bases = new BaseImageStore(store).all();
    bases.keySet().forEach(t -> tables.computeIfAbsent(t, k -> new long[] {Long.MAX_VALUE, 0}));
    List<TableRange> result = new ArrayList<>();
    for (Map.Entry<String, long[]> e : tables.entrySet()) {
      long[] t = e.getValue();
      TableBases b = bases.get(e.getKey());
      if (b != null && !b.isEmpty()) {
        long earliest = b.earliest().getAsLong();
        BaseImageManifest newest = b.all().get(b.all().size() - 1);
        result.add(
            new TableRange(
                e.getKey(),
                earliest,
                TimeParser.format(earliest),
                t[1],
                "oldest base " + b.all().get(0).id,
                b.all().size(),
                TimeParser.format(newest.completedAt)));
      } else if (t[0] != Long.MAX_VALUE) {
        result.add(
            new TableRange(e.getKey(), t[0], TimeParser.format(t[0]), t[1], TABLE_BASIS, 0, null));
      }
    }
    return result;
  }
}
