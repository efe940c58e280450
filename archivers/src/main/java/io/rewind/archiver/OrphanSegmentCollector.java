package io.rewind.archiver;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.store.catalog.IndexHead;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.catalog.PartitionView;
import io.rewind.store.lease.Pin;
import io.rewind.store.lease.Pins;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage-collection pass ({@code rewind gc}): removes what crashed or superseded writers left,
 * older than the grace period. Orphan segments (written, never committed by a manifest) by the rule
 * of {@link OrphanSegments}; manifests the index does not name whose every offset the indexed chain
 * already covers (a merged manifest a compactor wrote before it died and then wrote again, a zombie
 * archiver's copy, what a crashed retention left below its floor); index pages the head does not
 * name. What the index names, and what a manifest the index names refers to, is never touched;
 * neither are the merged-away manifests the compactor deletes itself once their grace has passed.
 * Safe to run while archivers run (deleting a deleted key is a no-op). It holds the lease on the
 * stream, so no compaction pass or retention runs meanwhile, and before it deletes anything in a
 * partition it rewrites the partition's index head under its own epoch (a fence): a compactor
 * paused past its lease's expiry then cannot write a head naming what gc is about to delete. What a
 * running restore pinned is left alone.
 */
public final class OrphanSegmentCollector {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanSegmentCollector.class);

  private static final int FENCE_ATTEMPTS = 5;

  private final ObjectStore store;
  private final long graceMs;
  private final LongSupplier clock;
  private final Leases leases;
  private final Duration leaseWait;

  public OrphanSegmentCollector(ObjectStore store, long graceMs, LongSupplier clock) {
    this(store, graceMs, clock, LeaseSettings.from(RewindConfig.of(Map.of())), Duration.ZERO);
  }

  /**
   * @param leaseWait how long to wait for the stream's lease while another operation holds it
   */
  public OrphanSegmentCollector(
      ObjectStore store,
      long graceMs,
      LongSupplier clock,
      LeaseSettings leaseSettings,
      Duration leaseWait) {
    if (graceMs < 0) {
      throw new IllegalArgumentException(
          "the grace period must not be negative, got " + graceMs + " ms");
    }
    this.store = store;
    this.graceMs = graceMs;
    this.clock = clock;
    this.leases = new Leases(store, leaseSettings, System::currentTimeMillis);
    this.leaseWait = leaseWait;
  }

  /** What one pass found and did. Field names are the JSON of {@code rewind gc --json}. */
  public static final class Report {
    public int partitions;
    public long segmentsSeen;
    public long segmentsCommitted;
    public List<String> removed = new ArrayList<>();
    public long bytesRemoved;

    /** Orphans within the grace period: an archiver may be about to write their manifest. */
    public List<String> keptTooYoung = new ArrayList<>();

    /** Orphans reaching past the contiguous frontier: kept until the chain passes them. */
    public List<String> keptAboveFrontier = new ArrayList<>();

    /** Manifests no index names whose offsets the chain covers (removed before their segments). */
    public List<String> manifestsRemoved = new ArrayList<>();

    /** Index pages the head does not name. */
    public List<String> pagesRemoved = new ArrayList<>();

    /** Objects left because a running restore pinned their range. */
    public List<String> keptPinned = new ArrayList<>();

    public boolean dryRun;

    /** The epoch of the stream lease the pass ran under (0 for a dry run, which takes none). */
    public long leaseEpoch;
  }

  /** One pass over every partition; with {@code dryRun} nothing is deleted. */
  public Report collect(boolean dryRun) throws IOException, InterruptedException {
    if (dryRun) {
      return collect(null);
    }
    try (Lease lease = leases.acquire("gc", List.of(LeaseResources.STREAM), leaseWait)) {
      return collect(lease);
    }
  }

  private Report collect(Lease lease) throws IOException {
    ManifestIndex index = new ManifestIndex(store);
    Set<Integer> partitions = new TreeSet<>(index.partitions());
    for (FileStatus dir : store.list(StoreLayout.SEGMENTS)) {
      int p = StoreLayout.parsePartitionDir(dir.getPath().getName());
      if (p >= 0) {
        partitions.add(p);
      }
    }
    Report report = new Report();
    report.dryRun = lease == null;
    report.leaseEpoch = lease == null ? 0 : lease.epoch();
    report.partitions = partitions.size();
    List<Pin> pins = new Pins(store, leases.settings(), System::currentTimeMillis).live();
    for (int p : partitions) {
      if (lease != null) {
        fence(index, p, lease);
      }
      collect(index, p, report, Pins.firstPinnedOffset(pins, p), lease);
    }
    return report;
  }

  /**
   * Rewrites the partition's index head under this gc's epoch, by compare-and-swap: from then on a
   * compactor holding an older epoch cannot write it, so nothing it wrote before its lease lapsed
   * can become named by the index after gc judged it garbage.
   */
  private static void fence(ManifestIndex index, int p, Lease lease) throws IOException {
    lease.check();
    for (int attempt = 1; attempt <= FENCE_ATTEMPTS; attempt++) {
      ManifestIndex.HeadForWrite read = index.readHeadForWrite(p);
      if (read.head().isEmpty()) {
        return;
      }
      IndexHead head = read.head().get();
      if (head.leaseEpoch > lease.epoch()) {
        throw lease.lostTo(
            "the index head of p=" + p + " was written under epoch " + head.leaseEpoch);
      }
      if (head.leaseEpoch == lease.epoch()) {
        return;
      }
      head.leaseEpoch = lease.epoch();
      head.version++;
      if (index.writeHead(head, read)) {
        return;
      }
    }
    throw new IOException(
        "p="
            + p
            + ": the index head kept changing while gc fenced it ("
            + FENCE_ATTEMPTS
            + " attempts): is a compactor running without the stream's lease?");
  }

  private void collect(ManifestIndex index, int p, Report report, long firstPinned, Lease lease)
      throws IOException {
    long now = clock.getAsLong();
    boolean dryRun = report.dryRun;
    // Segments listed first, manifests second: a segment committed in between is then seen with its
    // manifest, never as an orphan.
    List<OrphanSegments.SegmentFile> segments = listSegments(p);
    PartitionView view = index.open(p);
    Set<String> referenced = new HashSet<>();
    Set<String> manifestKeys = new HashSet<>();
    for (Manifest m : view.all()) {
      know(m, referenced, manifestKeys);
    }
    view.readFromStore().forEach(m -> know(m, referenced, manifestKeys));
    IndexHead head = view.indexed() ? view.head() : null;
    List<String> strayManifests = new ArrayList<>();
    List<String> strayPages = new ArrayList<>();
    if (head != null) {
      for (IndexHead.Retired r : head.retired) {
        referenced.add(r.segmentKey(p));
        manifestKeys.add(r.manifestKey(p));
      }
      strayManifests = strayManifests(p, head, now, referenced, manifestKeys);
      strayPages = strayPages(p, head, now);
    }
    long frontier = view.chain().end();
    List<OrphanSegments.SegmentFile> levelZero = new ArrayList<>();
    List<OrphanSegments.SegmentFile> merged = new ArrayList<>();
    for (OrphanSegments.SegmentFile s : segments) {
      (s.key().startsWith(StoreLayout.segmentsDir(p) + "/L") ? merged : levelZero).add(s);
    }
    OrphanSegments.Plan plan = OrphanSegments.plan(levelZero, referenced, frontier, now, graceMs);
    // A merged segment always lies inside the chain it was merged from: no frontier applies.
    OrphanSegments.Plan mergedPlan =
        OrphanSegments.plan(merged, referenced, Long.MAX_VALUE, now, graceMs);
    report.segmentsSeen += segments.size();
    report.segmentsCommitted += segments.stream().filter(s -> referenced.contains(s.key())).count();
    List<String> orphans = new ArrayList<>();
    for (OrphanSegments.Plan pl : List.of(plan, mergedPlan)) {
      pl.keepTooYoung().forEach(s -> report.keptTooYoung.add(s.key()));
      pl.keepAboveFrontier().forEach(s -> report.keptAboveFrontier.add(s.key()));
      for (OrphanSegments.SegmentFile s : pl.remove()) {
        if (s.endOffset() > firstPinned) {
          report.keptPinned.add(s.key());
        } else {
          orphans.add(s.key());
          report.bytesRemoved += s.sizeBytes();
        }
      }
    }
    strayManifests = unpinned(strayManifests, firstPinned, report);
    strayPages = unpinned(strayPages, firstPinned, report);
    report.manifestsRemoved.addAll(strayManifests);
    report.removed.addAll(orphans);
    report.pagesRemoved.addAll(strayPages);
    if (!dryRun) {
      if (!strayManifests.isEmpty() || !orphans.isEmpty() || !strayPages.isEmpty()) {
        lease.confirm();
      }
      // Manifests before the segments they name.
      store.deleteAll(strayManifests);
      store.deleteAll(orphans);
      store.deleteAll(strayPages);
      if (!strayManifests.isEmpty() || !orphans.isEmpty() || !strayPages.isEmpty()) {
        LOG.info(
            "p={}: removed {} manifests the index does not name, {} orphan segments, {} index pages (frontier {})",
            p,
            strayManifests.size(),
            orphans.size(),
            strayPages.size(),
            frontier);
      }
    }
  }

  /**
   * The manifest and page keys whose range lies wholly below the first pinned offset; the others
   * are reported as kept.
   */
  private static List<String> unpinned(List<String> keys, long firstPinned, Report report) {
    if (firstPinned == Long.MAX_VALUE) {
      return keys;
    }
    List<String> free = new ArrayList<>();
    for (String key : keys) {
      // Merged manifests and pages name their range; a level-0 manifest only its start, so it stays
      // while anything is pinned.
      long[] range = StoreLayout.parseRangeName(key.substring(key.lastIndexOf('/') + 1));
      long end = range != null ? range[1] : Long.MAX_VALUE;
      if (end <= firstPinned) {
        free.add(key);
      } else {
        report.keptPinned.add(key);
      }
    }
    return free;
  }

  private static void know(Manifest m, Set<String> referenced, Set<String> manifestKeys) {
    referenced.add(m.segmentPath);
    manifestKeys.add(m.key());
  }

  /**
   * Manifests the index does not name, below its indexed end and older than the grace period: read,
   * and removed when the indexed chain covers every offset they hold (their segments then become
   * orphans); one that reaches past the indexed end keeps its segment.
   */
  private List<String> strayManifests(
      int p, IndexHead head, long now, Set<String> referenced, Set<String> manifestKeys)
      throws IOException {
    ManifestStore manifests = new ManifestStore(store);
    List<FileStatus> candidates = new ArrayList<>();
    for (FileStatus s : store.list(StoreLayout.manifestsDir(p))) {
      String name = s.getPath().getName();
      OptionalLong start = StoreLayout.parseManifestName(name);
      if (start.isPresent()
          && start.getAsLong() < head.indexedEnd
          && !manifestKeys.contains(StoreLayout.manifest(p, start.getAsLong()))) {
        candidates.add(s);
      }
      int level = StoreLayout.parseLevelDir(name);
      if (level > 0) {
        for (FileStatus l : store.list(StoreLayout.levelManifestsDir(p, level))) {
          long[] range = StoreLayout.parseRangeName(l.getPath().getName());
          if (range != null
              && !manifestKeys.contains(StoreLayout.levelManifest(p, level, range[0], range[1]))) {
            candidates.add(l);
          }
        }
      }
    }
    List<String> stray = new ArrayList<>();
    for (FileStatus s : candidates) {
      String key = relative(p, s);
      Optional<Manifest> m = manifests.read(key);
      if (m.isPresent()
          && (m.get().endOffset > head.indexedEnd || now - s.getModificationTime() < graceMs)) {
        referenced.add(m.get().segmentPath);
      } else if (now - s.getModificationTime() >= graceMs) {
        stray.add(key);
      }
    }
    return stray;
  }

  /**
   * Index pages the head does not name (written by a compactor that died before its head), older
   * than the grace period.
   */
  private List<String> strayPages(int p, IndexHead head, long now) throws IOException {
    Set<String> named = new HashSet<>();
    head.pages.forEach(ref -> named.add(ref.key));
    List<String> stray = new ArrayList<>();
    for (FileStatus s : store.list(StoreLayout.indexPagesDir(p))) {
      String key = StoreLayout.indexPagesDir(p) + "/" + s.getPath().getName();
      if (!named.contains(key) && now - s.getModificationTime() >= graceMs) {
        stray.add(key);
      }
    }
    return stray;
  }

  private static String relative(int p, FileStatus s) {
    String name = s.getPath().getName();
    String parent = s.getPath().getParent().getName();
    int level = StoreLayout.parseLevelDir(parent);
    return (level > 0 ? StoreLayout.levelManifestsDir(p, level) : StoreLayout.manifestsDir(p))
        + "/"
        + name;
  }

  private List<OrphanSegments.SegmentFile> listSegments(int partition) throws IOException {
    List<OrphanSegments.SegmentFile> files = new ArrayList<>();
    for (FileStatus s : store.list(StoreLayout.segmentsDir(partition))) {
      String name = s.getPath().getName();
      long[] range = StoreLayout.parseSegmentName(name);
      if (range != null) {
        files.add(
            new OrphanSegments.SegmentFile(
                StoreLayout.segment(partition, range[0], range[1]),
                range[0],
                range[1],
                s.getLen(),
                s.getModificationTime()));
      }
      int level = StoreLayout.parseLevelDir(name);
      if (level > 0) {
        String dir = StoreLayout.levelSegmentsDir(partition, level);
        for (FileStatus l : store.list(dir)) {
          long[] r = StoreLayout.parseLevelSegmentName(l.getPath().getName());
          if (r != null) {
            files.add(
                new OrphanSegments.SegmentFile(
                    dir + "/" + l.getPath().getName(),
                    r[0],
                    r[1],
                    l.getLen(),
                    l.getModificationTime()));
          }
        }
      }
    }
    return files;
  }
}
