package io.rewind.archiver;

import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseBusyException;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.Leases;
import io.rewind.client.segment.SegmentException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.store.catalog.Covering;
import io.rewind.store.catalog.IndexHead;
import io.rewind.store.catalog.IndexPage;
import io.rewind.store.catalog.ManifestIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor ({@code rewind compact}), the only writer of the manifest index. A pass, for each
 * partition: index the level-0 manifests the archivers committed since the last pass (or rebuild
 * the head from every manifest when it is missing or torn); merge the level windows that ended
 * ({@link CompactionPolicy}, {@link SegmentMerger}); delete the manifests and segments merged away
 * once their grace period has passed; move finished entries into index pages; drop what retention
 * put below its floor.
 *
 * <p>A pass holds the lease on the stream ({@link LeaseResources#STREAM}): one compactor, gc or
 * retention at a time; a pass that finds it held is skipped, naming the holder. Every head it
 * writes carries the lease's epoch and replaces the version it read (compare-and-swap), so a
 * compactor paused past its lease's expiry cannot write a head once another holder has.
 *
 * <p>Crash safety: a merged segment is written, then its manifest, then the head that names it and
 * retires its sources, and only a later pass deletes the sources (manifest first). A crash before
 * the head is written leaves a segment and perhaps a manifest the head does not name: the next pass
 * merges again under a new segment key, and {@code rewind gc} removes the leftovers. Whatever the
 * moment, every offset stays covered by a manifest whose segment exists, so a restore is exact.
 */
public final class Compactor {

  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private final ObjectStore store;
  private final CompactionSettings settings;
  private final CompactionPolicy policy;
  private final LongSupplier clock;
  private final CompactionHook hook;
  private final SegmentMerger merger;
  private final Leases leases;

  public Compactor(
      ObjectStore store, CompactionSettings settings, String compactorId, LongSupplier clock) {
    this(store, settings, compactorId, clock, CompactionHook.fromSystemProperties());
  }

  Compactor(
      ObjectStore store,
      CompactionSettings settings,
      String compactorId,
      LongSupplier clock,
      CompactionHook hook) {
    this.store = store;
    this.settings = settings;
    this.policy = CompactionPolicy.of(settings);
    this.clock = clock;
    this.hook = hook;
    this.merger = new SegmentMerger(store, settings.keys(), compactorId, clock, hook);
    // Lease expiries are wall-clock times other hosts compare with theirs, whatever clock drives
    // the windows.
    this.leases = new Leases(store, settings.leaseSettings(), System::currentTimeMillis);
  }

  /** What a pass did. Field names are the JSON of {@code rewind compact --json}. */
  public static final class Report {
    public int partitions;

    /** Partitions whose head was missing or torn and was rebuilt from every manifest. */
    public int headsRebuilt;

    public long manifestsIndexed;
    public long mergedSegmentsWritten;
    public long segmentsMerged;
    public long bytesWritten;
    public long retiredDeleted;
    public long pagesWritten;
    public long headsWritten;

    /**
     * Runs that could not be merged (a missing or corrupt source), each named; retried on the next
     * pass.
     */
    public List<String> errors = new ArrayList<>();

    /**
     * Why the pass did nothing: another operation held the stream's lease (named, with its expiry),
     * or null.
     */
    public String skipped;

    /** The epoch of the stream lease the pass ran under (0 when skipped). */
    public long leaseEpoch;

    public void add(Report r) {
      partitions += r.partitions;
      headsRebuilt += r.headsRebuilt;
      manifestsIndexed += r.manifestsIndexed;
      mergedSegmentsWritten += r.mergedSegmentsWritten;
      segmentsMerged += r.segmentsMerged;
      bytesWritten += r.bytesWritten;
      retiredDeleted += r.retiredDeleted;
      pagesWritten += r.pagesWritten;
      headsWritten += r.headsWritten;
      errors.addAll(r.errors);
    }
  }

  /**
   * One pass over every partition with manifests. A partition that cannot be read or written (the
   * store failing) is named in the report's errors and tried again on the next pass; the others go
   * on.
   */
  public Report pass() throws IOException, InterruptedException {
    Lease lease;
    try {
      lease = leases.acquire("compaction", List.of(LeaseResources.STREAM));
    } catch (LeaseBusyException e) {
      Report skipped = new Report();
      skipped.skipped = e.getMessage();
      LOG.info("compaction pass skipped: {}", e.getMessage());
      return skipped;
    }
    try (lease) {
      ManifestIndex index = new ManifestIndex(store);
      Report total = new Report();
      total.leaseEpoch = lease.epoch();
      for (int p : index.partitions()) {
        try {
          total.add(pass(index, p, lease));
        } catch (IOException e) {
          total.partitions++;
          total.errors.add("p=" + p + ": " + e);
          LOG.error(
              "p={}: compaction pass failed, tried again on the next pass: {}", p, e.toString());
        }
      }
      return total;
    }
  }

  Report pass(ManifestIndex index, int partition, Lease lease)
      throws IOException, InterruptedException {
    Report report = new Report();
    report.partitions = 1;
    lease.check();
    long now = clock.getAsLong();
    long floor = index.floor().of(partition);
    HeadWriter writer = new HeadWriter(index, partition, lease);
    Optional<IndexHead> read = writer.read();
    IndexHead head;
    boolean changed;
    if (read.isEmpty()) {
      head = IndexHead.empty(partition);
      List<Manifest> all = index.readAllManifests(partition);
      changed = absorb(head, all, floor, now, report);
      report.headsRebuilt = 1;
      LOG.info("p={}: no index head: built one from its {} manifests", partition, all.size());
    } else {
      head = read.get();
      changed = absorb(head, index.levelZeroFrom(partition, head.indexedEnd), floor, now, report);
    }
    List<String> pagesBelowFloor = new ArrayList<>();
    changed |= dropBelowFloor(head, floor, pagesBelowFloor);
    for (CompactionPolicy.Run run : policy.runs(head.entries, now)) {
      lease.check();
      List<SegmentMerger.Merged> merged;
      try {
        merged = merger.merge(run.level(), run.sources());
      } catch (SegmentException e) {
        report.errors.add(
            "p="
                + partition
                + " level "
                + run.level()
                + " ["
                + run.sources().get(0).startOffset
                + ", "
                + run.sources().get(run.sources().size() - 1).endOffset
                + "): "
                + e.getMessage());
        LOG.error(
            "p={}: cannot merge {} segments into level {}: {}",
            partition,
            run.sources().size(),
            run.level(),
            e.getMessage());
        continue;
      }
      for (SegmentMerger.Merged m : merged) {
        replace(head, m, now);
        report.mergedSegmentsWritten++;
        report.segmentsMerged += m.sources().size();
        report.bytesWritten += m.manifest().sizeBytes;
      }
      if (!merged.isEmpty()) {
        writer.write(head, now, report);
        changed = false;
        hook.reached(CompactionPoint.HEAD_WRITTEN, partition);
      }
    }
    lease.check();
    changed |= deleteRetired(head, now, report);
    changed |= page(index, head, now, report);
    if (changed) {
      writer.write(head, now, report);
    }
    for (String page : pagesBelowFloor) {
      store.delete(page);
    }
    return report;
  }

  /** Adds the manifests that extend the head's chain; retires those another covers. */
  private boolean absorb(
      IndexHead head, List<Manifest> manifests, long floor, long now, Report report) {
    List<Manifest> above = new ArrayList<>();
    for (Manifest m : manifests) {
      if (m.endOffset > floor) {
        above.add(m);
      }
    }
    Covering c = Covering.extend(head.indexedEnd, above);
    head.entries.addAll(c.covering());
    head.indexedEnd = c.end();
    c.redundant().forEach(m -> head.retired.add(IndexHead.Retired.of(m, now)));
    report.manifestsIndexed += c.covering().size();
    return !c.covering().isEmpty() || !c.redundant().isEmpty();
  }

  /**
   * Entries and pages retention put below its floor leave the head (retention deletes their
   * objects).
   */
  private static boolean dropBelowFloor(IndexHead head, long floor, List<String> pagesBelowFloor) {
    if (floor < 0) {
      return false;
    }
    boolean changed = head.entries.removeIf(m -> m.endOffset <= floor);
    for (Iterator<IndexHead.PageRef> it = head.pages.iterator(); it.hasNext(); ) {
      IndexHead.PageRef p = it.next();
      if (p.endOffset <= floor) {
        pagesBelowFloor.add(p.key);
        it.remove();
        changed = true;
      }
    }
    return changed;
  }

  /** The merged manifest takes its sources' place in the head; the sources are retired. */
  private static void replace(IndexHead head, SegmentMerger.Merged merged, long now) {
    int at = head.entries.indexOf(merged.sources().get(0));
    head.entries.subList(at, at + merged.sources().size()).clear();
    head.entries.add(at, merged.manifest());
    merged.sources().forEach(s -> head.retired.add(IndexHead.Retired.of(s, now)));
  }

  /**
   * Deletes the retired manifests and segments whose grace period has passed, in bulk: every
   * manifest first, then the segments, so a crash in between leaves at worst segments no manifest
   * names, which the head still lists and the next pass deletes. A key the head also names as live
   * (a merge written again over the same range) is never deleted. A level-0 manifest key written
   * again after its deletion (a zombie archiver's, which its commit guard makes very unlikely) is
   * not the compactor's to judge: rewind gc reads such strays.
   */
  private boolean deleteRetired(IndexHead head, long now, Report report)
      throws IOException, InterruptedException {
    Set<String> live = new HashSet<>();
    for (Manifest m : head.entries) {
      live.add(m.key());
      live.add(m.segmentPath);
    }
    List<IndexHead.Retired> due = new ArrayList<>();
    for (IndexHead.Retired r : head.retired) {
      if (r.retiredAt + settings.graceMs() <= now) {
        due.add(r);
      }
    }
    if (due.isEmpty()) {
      return false;
    }
    List<String> manifestKeys = new ArrayList<>();
    List<String> segmentKeys = new ArrayList<>();
    for (IndexHead.Retired r : due) {
      String manifestKey = r.manifestKey(head.partition);
      String segmentKey = r.segmentKey(head.partition);
      if (!live.contains(manifestKey)) {
        manifestKeys.add(manifestKey);
      }
      if (!live.contains(segmentKey)) {
        segmentKeys.add(segmentKey);
      }
    }
    store.deleteAll(manifestKeys);
    hook.reached(CompactionPoint.RETIRED_MANIFEST_DELETED, head.partition);
    store.deleteAll(segmentKeys);
    head.retired.removeAll(due);
    report.retiredDeleted += due.size();
    return true;
  }

  /**
   * Moves finished entries from the head into a page once the head holds half a page more of them
   * than a page.
   */
  private boolean page(ManifestIndex index, IndexHead head, long now, Report report)
      throws IOException, InterruptedException {
    int size = settings.pageEntries();
    int finished = policy.finishedPrefix(head.entries, now);
    boolean changed = false;
    while (finished >= size + size / 2) {
      List<Manifest> entries = new ArrayList<>(head.entries.subList(0, size));
      IndexPage page = new IndexPage();
      page.partition = head.partition;
      page.startOffset = entries.get(0).startOffset;
      page.endOffset = entries.get(entries.size() - 1).endOffset;
      page.entries = entries;
      index.writePage(page);
      hook.reached(CompactionPoint.PAGE_WRITTEN, head.partition);
      head.pages.add(
          IndexHead.PageRef.of(
              StoreLayout.indexPage(head.partition, page.startOffset, page.endOffset), entries));
      head.entries.subList(0, size).clear();
      finished -= size;
      report.pagesWritten++;
      changed = true;
    }
    return changed;
  }

  /**
   * The head of one partition, read and rewritten under the stream's lease: every write carries the
   * lease's epoch and is a compare-and-swap over the version last read, so a compactor paused past
   * its expiry writes nothing once another holder has written (or fenced) the head.
   */
  private static final class HeadWriter {
    private final ManifestIndex index;
    private final int partition;
    private final Lease lease;
    private ManifestIndex.HeadForWrite current;

    HeadWriter(ManifestIndex index, int partition, Lease lease) {
      this.index = index;
      this.partition = partition;
      this.lease = lease;
    }

    Optional<IndexHead> read() throws IOException {
      current = index.readHeadForWrite(partition);
      Optional<IndexHead> head = current.head();
      if (head.isPresent() && head.get().leaseEpoch > lease.epoch()) {
        throw lease.lostTo(
            "the index head of p="
                + partition
                + " was written under epoch "
                + head.get().leaseEpoch);
      }
      return head;
    }

    void write(IndexHead head, long now, Report report) throws IOException {
      lease.check();
      if (current == null) {
        // After a write of ours the versions are the store's to tell: read again, and go on only
        // from our own head.
        Optional<IndexHead> stored = read();
        if (stored.isEmpty()
            || stored.get().version != head.version
            || stored.get().leaseEpoch != lease.epoch()) {
          throw lease.lostTo(
              "the index head of p="
                  + partition
                  + " changed under this compactor (now version "
                  + stored.map(h -> h.version + ", epoch " + h.leaseEpoch).orElse("absent")
                  + ")");
        }
      }
      head.version++;
      head.writtenAt = now;
      head.leaseEpoch = lease.epoch();
      if (!index.writeHead(head, current)) {
        throw lease.lostTo(
            "the index head of p="
                + partition
                + " was written by another writer since this compactor read it");
      }
      current = null;
      report.headsWritten++;
    }
  }
}
