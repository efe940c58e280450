package io.rewind.archiver;

import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestStore;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.StoreLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage-collection pass ({@code rewind gc}): removes the orphan segments that crashed or
 * superseded archivers left (a segment written, its manifest never), by the rule of
 * {@link OrphanSegments}. Never touches a segment that a manifest names, nor a manifest. Safe to
 * run while archivers run, and from several places at once (deleting a deleted key is a no-op).
 */
public final class OrphanSegmentCollector {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanSegmentCollector.class);

  private final ObjectStore store;
  private final long graceMs;
  private final LongSupplier clock;

  public OrphanSegmentCollector(ObjectStore store, long graceMs, LongSupplier clock) {
    if (graceMs < 0) {
      throw new IllegalArgumentException("the grace period must not be negative, got " + graceMs + " ms");
    }
    this.store = store;
    this.graceMs = graceMs;
    this.clock = clock;
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
    public boolean dryRun;
  }

  /** One pass over every partition; with {@code dryRun} nothing is deleted. */
  public Report collect(boolean dryRun) throws IOException {
    ManifestStore manifests = new ManifestStore(store);
    Set<Integer> partitions = new TreeSet<>(manifests.partitions());
    for (FileStatus dir : store.list(StoreLayout.SEGMENTS)) {
      int p = StoreLayout.parsePartitionDir(dir.getPath().getName());
      if (p >= 0) {
        partitions.add(p);
      }
    }
    Report report = new Report();
    report.dryRun = dryRun;
    report.partitions = partitions.size();
    for (int p : partitions) {
      // Segments listed first, manifests second: a segment committed in between is then seen
      // with its manifest, never as an orphan.
      List<OrphanSegments.SegmentFile> segments = listSegments(p);
      List<Manifest> committed = manifests.list(p);
      Set<String> referenced = new HashSet<>();
      committed.forEach(m -> referenced.add(m.segmentPath));
      long frontier = ManifestStore.chain(committed).end();
      OrphanSegments.Plan plan = OrphanSegments.plan(segments, referenced, frontier, clock.getAsLong(), graceMs);
      report.segmentsSeen += segments.size();
      report.segmentsCommitted += segments.stream().filter(s -> referenced.contains(s.key())).count();
      plan.keepTooYoung().forEach(s -> report.keptTooYoung.add(s.key()));
      plan.keepAboveFrontier().forEach(s -> report.keptAboveFrontier.add(s.key()));
      for (OrphanSegments.SegmentFile s : plan.remove()) {
        if (!dryRun) {
          store.delete(s.key());
          LOG.info("removed orphan segment {} ([{}, {}) below the frontier {} of p={}, no manifest)",
              s.key(), s.startOffset(), s.endOffset(), frontier, p);
        }
        report.removed.add(s.key());
        report.bytesRemoved += s.sizeBytes();
      }
    }
    return report;
  }

  private List<OrphanSegments.SegmentFile> listSegments(int partition) throws IOException {
    List<OrphanSegments.SegmentFile> files = new ArrayList<>();
    String dir = StoreLayout.segmentsDir(partition);
    for (FileStatus s : store.list(dir)) {
      long[] range = StoreLayout.parseSegmentName(s.getPath().getName());
      if (range != null) {
        files.add(new OrphanSegments.SegmentFile(
            StoreLayout.segment(partition, range[0], range[1]), range[0], range[1], s.getLen(), s.getModificationTime()));
      }
    }
    return files;
  }
}
