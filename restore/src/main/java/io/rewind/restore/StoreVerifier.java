package io.rewind.restore;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.base.StoredFiles;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import io.rewind.client.store.StoreLayout;
import io.rewind.client.store.StoredObject;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.TableDescriptor;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.PartitionView;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.io.Futures;
import io.rewind.store.io.ThrottledInputStream;
import io.rewind.store.segment.MissingSegmentException;
import io.rewind.store.segment.SegmentStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileStatus;

/**
 * {@code rewind verify}: the store's integrity without restoring. For every partition the committed
 * chain through the manifest index (every page: a full verify reads the history, by design), every
 * hole named by offsets and write times; every manifest the index names present; every segment and
 * every base file read whole and checked against its recorded size and SHA-256, decrypted when the
 * key ring holds its key (otherwise only the stored bytes are checked, and a configured ring that
 * lacks the key is a problem: a restore would fail); every base's snapshot files present; the
 * checkpoint and the table descriptors readable, and a descriptor for every table archived.
 *
 * <p>Objects are read on {@code threads} threads through one token bucket of {@code bytesPerSecond}
 * ({@link UploadThrottle}). Cost: one read of every index page and manifest listing, one GET per
 * segment and base file, every stored byte once: requests and bytes grow with the store's size,
 * time with bytes / min(cap, throughput), memory with one partition's manifests (about 1 KB each)
 * plus a read buffer per thread. With {@code since}, only the chains' parts holding edits written
 * after it (index pages opened only when their summary overlaps) and the bases completed after it
 * are read: a daily verify of the last day costs that day's objects, not the history.
 */
public final class StoreVerifier {

  private static final int BUFFER = 64 * 1024;

  private final ObjectStore store;
  private final KeyRing keys;
  private final int threads;
  private final UploadThrottle throttle;

  public StoreVerifier(ObjectStore store, KeyRing keys, int threads, long bytesPerSecond) {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "verify needs at least one reading thread, got " + threads);
    }
    this.store = store;
    this.keys = keys;
    this.threads = threads;
    this.throttle = new UploadThrottle(bytesPerSecond);
  }

  /**
   * @param tables only these tables' segments, bases and descriptors (empty: all); chains are
   *     checked whole
   * @param since only data written after this time, or null for everything
   */
  public VerifyReport verify(Collection<String> tables, Long since) throws IOException {
    long started = System.currentTimeMillis();
    VerifyReport report = new VerifyReport();
    report.storeUri = store.uri().toString();
    report.threads = threads;
    report.maxBytesPerSecond = throttle.bytesPerSecond();
    report.keysConfigured.addAll(keys.ids());
    if (since != null) {
      report.since = since;
      report.sinceIso = TimeParser.format(since);
    }
    Set<String> wanted = new TreeSet<>(tables);
    checkpoint(report);
    Map<String, TableDescriptor> descriptors = new TreeMap<>();
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      descriptors.put(d.getTable(), d);
    }
    report.descriptors = descriptors.size();

    List<Check> checks = new ArrayList<>();
    Set<String> archived = new TreeSet<>();
    chains(report, wanted, since, checks, archived);
    bases(report, wanted, since, checks, archived);
    bulkLoads(report, wanted, since, checks);
    for (String table : archived) {
      if (!table.isEmpty()
          && (wanted.isEmpty() || wanted.contains(table))
          && !descriptors.containsKey(table)) {
        add(
            report,
            VerifyReport.Problem.of(
                "descriptor-missing",
                StoreLayout.table(table),
                "table " + table + " has archived data but no readable descriptor",
                "a restore into HBase cannot create "
                    + table
                    + ": an archiver writes it from the tables topic when it starts (rewind archive); restore into an existing table"
                    + " (--map) or into cell dumps (--out) meanwhile"));
      }
    }
    run(report, checks);
    report.ok = report.problems.isEmpty();
    report.durationMs = System.currentTimeMillis() - started;
    long bytes = report.segmentBytesRead + report.baseFileBytesRead + report.bulkLoadFileBytesRead;
    report.bytesPerSecond = report.durationMs == 0 ? bytes : bytes * 1000 / report.durationMs;
    return report;
  }

  private void checkpoint(VerifyReport report) throws IOException {
    Optional<CheckpointFile.Stored> c = CheckpointFile.read(store);
    if (c.isEmpty()) {
      add(
          report,
          VerifyReport.Problem.of(
              "checkpoint-missing",
              StoreLayout.CHECKPOINT,
              "no whole copy of the checkpoint: nothing can be restored (a restore refuses without it)",
              "check --store; run the checkpoint app (rewind checkpoint) against this store: it writes the checkpoint at its next change"));
      return;
    }
    report.checkpoint = c.get().time;
    report.checkpointIso = c.get().timeIso;
    if (c.get().time > System.currentTimeMillis() + 60_000) {
      add(
          report,
          VerifyReport.Problem.of(
              "checkpoint-in-future",
              StoreLayout.CHECKPOINT,
              "the checkpoint " + c.get().timeIso + " lies in the future of this host's clock",
              "check the clocks of the region servers and this host (NTP); restore only to times that have passed"));
    }
  }

  private void chains(
      VerifyReport report, Set<String> wanted, Long since, List<Check> checks, Set<String> archived)
      throws IOException {
    ManifestIndex index = new ManifestIndex(store);
    for (int p : index.partitions()) {
      report.partitions++;
      PartitionView view = index.open(p);
      archived.addAll(view.tables().keySet());
      List<Manifest> chain =
          since == null ? view.all() : view.overlappingWriteTimes(since, Long.MAX_VALUE);
      List<Manifest> all = new ArrayList<>(chain);
      all.addAll(view.beyondGap());
      report.manifests += all.size();
      for (ChainCheck.Gap gap : ChainCheck.gaps(p, all)) {
        VerifyReport.Problem problem =
            VerifyReport.Problem.of(
                "chain-gap",
                StoreLayout.manifestsDir(p),
                "p="
                    + p
                    + ": offsets "
                    + gap.fromOffset()
                    + " to "
                    + (gap.toOffset() - 1)
                    + " have no committed manifest; edits of this"
                    + " partition written between "
                    + iso(gap.newestWriteTimeBefore())
                    + " and "
                    + iso(gap.oldestWriteTimeAfter())
                    + " may be missing, and a restore plans nothing past the hole",
                "if Kafka still holds these offsets, restart the archivers: they resume from the chain's end and archive the hole again;"
                    + " otherwise the edits are lost to the backup: take a base of the tables of this partition (rewind base) so restores"
                    + " after it are whole, and restore only to times before "
                    + iso(gap.newestWriteTimeBefore())
                    + " without it");
        problem.partition = p;
        problem.fromOffset = gap.fromOffset();
        problem.toOffset = gap.toOffset();
        problem.fromIso =
            gap.newestWriteTimeBefore() == null
                ? null
                : TimeParser.format(gap.newestWriteTimeBefore());
        problem.toIso =
            gap.oldestWriteTimeAfter() == null
                ? null
                : TimeParser.format(gap.oldestWriteTimeAfter());
        add(report, problem);
      }
      if (since == null) {
        startOfChain(report, view);
        namedManifests(report, p, view, chain);
      }
      for (Manifest m : all) {
        if (wanted.isEmpty() || m.tables.keySet().stream().anyMatch(wanted::contains)) {
          useKey(report, m.keyId, m.maxWriteTime, true);
          checks.add(new Check(m, null));
        }
      }
    }
  }

  /** A chain that starts above the retention floor lost its first segments. */
  private void startOfChain(VerifyReport report, PartitionView view) {
    long start = view.chain().start();
    if (start < 0) {
      return;
    }
    long floor = view.floor();
    if (floor >= 0 && start > floor) {
      VerifyReport.Problem problem =
          VerifyReport.Problem.of(
              "chain-start",
              StoreLayout.manifestsDir(view.partition()),
              "p="
                  + view.partition()
                  + ": the chain starts at offset "
                  + start
                  + " but retention kept everything from "
                  + floor
                  + " (index/floor.json): offsets "
                  + floor
                  + " to "
                  + (start - 1)
                  + " are missing",
              "restores to times before the first remaining edit of this partition are incomplete; take a base of its tables (rewind"
                  + " base) and run retention past the hole");
      problem.partition = view.partition();
      problem.fromOffset = floor;
      problem.toOffset = start;
      add(report, problem);
    } else if (floor < 0 && start > 0) {
      note(
          report,
          "p="
              + view.partition()
              + ": the archive begins at offset "
              + start
              + " (never archived below it to this store,"
              + " e.g. archiver.new.store.start=log-start)");
    }
  }

  /**
   * Every manifest the index names is in the store: readers without the index (or rebuilding it)
   * need them.
   */
  private void namedManifests(
      VerifyReport report, int partition, PartitionView view, List<Manifest> chain)
      throws IOException {
    if (!view.indexed()) {
      return;
    }
    Set<String> listed = new HashSet<>();
    for (FileStatus s : store.list(StoreLayout.manifestsDir(partition))) {
      String name = s.getPath().getName();
      if (StoreLayout.parseManifestName(name).isPresent()) {
        listed.add(StoreLayout.manifestsDir(partition) + "/" + name);
      } else if (StoreLayout.parseLevelDir(name) > 0) {
        int level = StoreLayout.parseLevelDir(name);
        store
            .list(StoreLayout.levelManifestsDir(partition, level))
            .forEach(
                l ->
                    listed.add(
                        StoreLayout.levelManifestsDir(partition, level)
                            + "/"
                            + l.getPath().getName()));
      }
    }
    PartitionView now = null;
    for (Manifest m : chain) {
      if (!listed.contains(m.key())) {
        if (now == null) {
          now = new ManifestIndex(store).open(partition);
        }
        if (mergedAway(now, m).isPresent()) {
          continue; // the compactor retired and deleted it after the index was read
        }
        VerifyReport.Problem problem =
            VerifyReport.Problem.of(
                "manifest-missing",
                m.key(),
                "p="
                    + partition
                    + ": the index names the manifest of offsets "
                    + m.startOffset
                    + " to "
                    + (m.endOffset - 1)
                    + ", which is not in the store: restores read it from the index, but a reader without the index (or a rebuilt"
                    + " index) sees a hole there",
                "restore the object from the bucket's versioning or a copy of the store if there is one; keep the index head"
                    + " (index/p="
                    + partition
                    + "/head.json) and run no rebuild of it until then");
        problem.partition = partition;
        problem.fromOffset = m.startOffset;
        problem.toOffset = m.endOffset;
        add(report, problem);
      }
    }
  }

  private void bases(
      VerifyReport report, Set<String> wanted, Long since, List<Check> checks, Set<String> archived)
      throws IOException {
    BaseImageStore bases = new BaseImageStore(store);
    Set<String> filesQueued = new HashSet<>();
    for (String table : bases.tables()) {
      if (!wanted.isEmpty() && !wanted.contains(table)) {
        continue;
      }
      String tableDir = BaseImageStore.baseDir(table, "").replaceAll("/$", "");
      for (FileStatus dir : store.list(tableDir)) {
        String baseDir = tableDir + "/" + dir.getPath().getName();
        String manifestKey = baseDir + "/base.json";
        Optional<BaseImageManifest> base;
        try {
          base = SelfChecksummedJson.decode(store.read(manifestKey), BaseImageManifest.class);
        } catch (FileNotFoundException e) {
          continue; // an intent without a commit: a copy under way or abandoned, not a base
        }
        if (base.isEmpty()) {
          add(
              report,
              VerifyReport.Problem.of(
                  "base-manifest-torn",
                  manifestKey,
                  "the base's manifest does not match its checksum: restores treat the base as absent",
                  "take a new base of "
                      + table
                      + " (rewind base --tables "
                      + table
                      + "), then delete this one (rewind base delete)"));
          continue;
        }
        BaseImageManifest b = base.get();
        archived.add(table);
        if (since != null && b.completedAt <= since) {
          continue;
        }
        report.bases++;
        Set<String> present = new HashSet<>();
        store.listFiles(baseDir).forEach((StoredObject o) -> present.add(o.key()));
        for (String snapshotFile : b.snapshotFiles) {
          if (!present.contains(snapshotFile)) {
            add(
                report,
                VerifyReport.Problem.of(
                    "snapshot-file-missing",
                    snapshotFile,
                    b
                        + ": its copy of the HBase snapshot's manifest is missing (restores do not read it; it documents the base)",
                    "nothing to restore from it; take a new base of "
                        + table
                        + " if you keep snapshot manifests for audits"));
          }
        }
        for (BaseImageFile f : b.files) {
          if (filesQueued.add(f.key)) {
            useKey(report, f.keyId, b.completedAt, false);
            checks.add(
                new Check(
                    null,
                    new FileCheck(
                        "base",
                        b.toString(),
                        f,
                        "take a new base of "
                            + b.table
                            + " (rewind base --tables "
                            + b.table
                            + ") and delete "
                            + b.id
                            + " (rewind base delete "
                            + b.table
                            + " "
                            + b.id
                            + "): restores before the new base then start from an older base, if any")));
          }
        }
      }
    }
  }

  /**
   * Every file of every committed bulk load (of the tables asked for, committed after {@code
   * since}).
   */
  private void bulkLoads(VerifyReport report, Set<String> wanted, Long since, List<Check> checks)
      throws IOException {
    BulkLoadStore loads = new BulkLoadStore(store);
    Set<String> filesQueued = new HashSet<>();
    for (String table : loads.tables()) {
      if (!wanted.isEmpty() && !wanted.contains(table)) {
        continue;
      }
      for (BulkLoadManifest load :
          since == null ? loads.all(table) : loads.between(table, since, Long.MAX_VALUE)) {
        report.bulkLoads++;
        for (BaseImageFile f : load.files) {
          if (filesQueued.add(f.key)) {
            useKey(report, f.keyId, load.writeTime, false);
            checks.add(
                new Check(
                    null,
                    new FileCheck(
                        "bulk-load",
                        load.toString(),
                        f,
                        "restores of "
                            + table
                            + " to "
                            + TimeParser.format(load.writeTime)
                            + " or later fail until then: take a new base of "
                            + table
                            + " (rewind base --tables "
                            + table
                            + ") and restore to times after it")));
          }
        }
      }
    }
  }

  /** Reads every queued object on the pool, under the shared bandwidth cap. */
  private void run(VerifyReport report, List<Check> checks) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "rewind-verify");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Check c : checks) {
        futures.add(
            pool.submit(
                () -> {
                  if (c.segment != null) {
                    segment(report, c.segment);
                  } else {
                    storedFile(report, c.file);
                  }
                  return null;
                }));
      }
      Futures.awaitAll(futures);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The coarser manifest now covering {@code m}'s offsets, when the compactor merged {@code m} away
   * and deleted it since the index was read (a long verify meets that as a restore does).
   */
  private Optional<Manifest> mergedAway(PartitionView now, Manifest m) throws IOException {
    for (Manifest c : now.all()) {
      if (!c.key().equals(m.key())
          && c.startOffset <= m.startOffset
          && c.endOffset >= m.endOffset) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private void segment(VerifyReport report, Manifest m) throws IOException {
    segment(report, m, true);
  }

  private void segment(VerifyReport report, Manifest m, boolean mayBeMergedAway)
      throws IOException {
    long read;
    try {
      if (m.keyId != null && !keys.holds(m.keyId)) {
        String mismatch;
        try (InputStream in = paced(store.open(m.segmentPath, m.sizeBytes))) {
          Digest d = Digest.of(in);
          read = d.count;
          mismatch =
              d.count != m.sizeBytes
                  ? "it holds " + d.count + " bytes, its manifest says " + m.sizeBytes
                  : !d.sha256.equalsIgnoreCase(m.sha256)
                      ? "its SHA-256 is " + d.sha256 + ", its manifest says " + m.sha256
                      : null;
        }
        if (mismatch != null) {
          throw new CorruptSegmentException(m.segmentPath, mismatch, null);
        }
      } else {
        try (SegmentStream s = SegmentStream.open(store, m, keys);
            InputStream plain = paced(s.plain())) {
          read = drain(plain);
          String mismatch = s.mismatch();
          if (mismatch != null) {
            throw new CorruptSegmentException(m.segmentPath, mismatch, null);
          }
        }
      }
    } catch (FileNotFoundException | MissingSegmentException e) {
      Optional<Manifest> merged =
          mayBeMergedAway
              ? mergedAway(new ManifestIndex(store).open(m.partition), m)
              : Optional.empty();
      if (merged.isPresent()) {
        synchronized (report) {
          report.segmentsMergedAway++;
        }
        segment(report, merged.get(), false);
        return;
      }
      add(
          report,
          located(
              VerifyReport.Problem.of(
                  "segment-missing",
                  m.segmentPath,
                  "p="
                      + m.partition
                      + ": the segment of offsets "
                      + m.startOffset
                      + " to "
                      + (m.endOffset - 1)
                      + " (edits written "
                      + iso(m.minWriteTime)
                      + " to "
                      + iso(m.maxWriteTime)
                      + ") is missing; its manifest "
                      + m.key()
                      + " commits it",
                  restoreFix(m)),
              m));
      return;
    } catch (CorruptSegmentException e) {
      add(
          report,
          located(
              VerifyReport.Problem.of(
                  "segment-corrupt",
                  m.segmentPath,
                  "p="
                      + m.partition
                      + ": the segment of offsets "
                      + m.startOffset
                      + " to "
                      + (m.endOffset - 1)
                      + " (edits written "
                      + iso(m.minWriteTime)
                      + " to "
                      + iso(m.maxWriteTime)
                      + ") does not match its manifest: "
                      + e.getMessage(),
                  restoreFix(m)),
              m));
      return;
    } catch (SegmentKeyException e) {
      add(
          report,
          located(
              VerifyReport.Problem.of(
                  "key-wrong",
                  m.segmentPath,
                  e.getMessage(),
                  "configure the key material this id was created with in the key ring"),
              m));
      return;
    }
    synchronized (report) {
      report.segmentsChecked++;
      report.segmentBytesRead += read;
    }
    if (m.keyId != null && !keys.holds(m.keyId)) {
      missingKey(report, m.segmentPath, m.keyId);
    }
  }

  private static String restoreFix(Manifest m) {
    return "restore the object from the bucket's versioning or a copy of the store if there is one; otherwise these edits are lost to"
        + " the backup: take a base of the tables it holds ("
        + String.join(", ", m.tables.keySet())
        + ") with rewind base, and"
        + " restore to times before "
        + iso(m.minWriteTime)
        + " or after that base";
  }

  private static VerifyReport.Problem located(VerifyReport.Problem p, Manifest m) {
    p.partition = m.partition;
    p.fromOffset = m.startOffset;
    p.toOffset = m.endOffset;
    p.fromIso = m.minWriteTime == null ? null : TimeParser.format(m.minWriteTime);
    p.toIso = m.maxWriteTime == null ? null : TimeParser.format(m.maxWriteTime);
    return p;
  }

  private void storedFile(VerifyReport report, FileCheck c) throws IOException {
    BaseImageFile f = c.file;
    long read;
    String mismatch;
    try (InputStream raw = paced(store.open(f.key, f.storedBytes))) {
      if (f.keyId != null && !keys.holds(f.keyId)) {
        Digest d = Digest.of(raw);
        read = d.count;
        mismatch =
            d.count != f.storedBytes
                ? "its stored bytes are " + d.count + ", its entry names " + f.storedBytes
                : f.storedSha256 != null && !d.sha256.equals(f.storedSha256)
                    ? "its stored SHA-256 is " + d.sha256 + ", its entry names " + f.storedSha256
                    : null;
      } else {
        try (StoredFiles.Reader in = StoredFiles.reader(raw, f, keys)) {
          drain(in.plain());
          mismatch = in.mismatch();
        }
        read = f.storedBytes;
      }
    } catch (FileNotFoundException e) {
      add(
          report,
          VerifyReport.Problem.of(
              c.kind + "-file-missing",
              f.key,
              c.owner
                  + " names this HFile ("
                  + f.family
                  + "/"
                  + f.name
                  + ", "
                  + f.size
                  + " bytes), which is not in the store: a restore"
                  + " that needs it fails",
              "restore the object from the bucket's versioning if there is one; otherwise "
                  + c.fix));
      return;
    } catch (SegmentKeyException e) {
      add(
          report,
          VerifyReport.Problem.of(
              "key-wrong",
              f.key,
              e.getMessage(),
              "configure the key material this id was created with in the key ring"));
      return;
    } catch (IOException e) {
      if (e instanceof InterruptedIOException) {
        throw e;
      }
      mismatch = "it does not read back (" + e.getMessage() + ")";
      read = 0;
    } catch (RuntimeException e) {
      // A damaged sealed chunk or compressed frame.
      mismatch = "it does not read back (" + e.getMessage() + ")";
      read = 0;
    }
    if (mismatch != null) {
      add(
          report,
          VerifyReport.Problem.of(
              c.kind + "-file-corrupt",
              f.key,
              c.owner
                  + " names this HFile ("
                  + f.family
                  + "/"
                  + f.name
                  + "), whose stored copy does not match: "
                  + mismatch,
              "restore the object from the bucket's versioning if there is one; otherwise "
                  + c.fix));
      return;
    }
    synchronized (report) {
      if (c.kind.equals("base")) {
        report.baseFilesChecked++;
        report.baseFileBytesRead += read;
      } else {
        report.bulkLoadFilesChecked++;
        report.bulkLoadFileBytesRead += read;
      }
    }
    if (f.keyId != null && !keys.holds(f.keyId)) {
      missingKey(report, f.key, f.keyId);
    }
  }

  /**
   * An object sealed with a key the ring lacks: a problem when a ring is configured (a restore
   * would fail: the key cannot be retired yet), a note when none is (only the stored bytes were
   * checked).
   */
  private void missingKey(VerifyReport report, String object, String keyId) {
    if (keys.isEmpty()) {
      return;
    }
    add(
        report,
        VerifyReport.Problem.of(
            "key-missing",
            object,
            "sealed with key id '"
                + keyId
                + "', which the configured key ring ("
                + String.join(", ", keys.ids())
                + ") lacks: a restore reading it fails",
            "keep (or put back) the key '"
                + keyId
                + "' in the key ring file (segment.encryption.keyring.file) until no object needs it"));
  }

  private void useKey(VerifyReport report, String keyId, Long time, boolean segment) {
    if (keyId == null) {
      return;
    }
    synchronized (report) {
      VerifyReport.KeyUse use = report.keys.computeIfAbsent(keyId, k -> new VerifyReport.KeyUse());
      use.configured = keys.holds(keyId);
      if (segment) {
        use.segments++;
      } else {
        use.baseFiles++;
      }
      if (time != null && (use.newestDataTime == null || time > use.newestDataTime)) {
        use.newestDataTime = time;
        use.newestDataTimeIso = TimeParser.format(time);
      }
    }
  }

  private InputStream paced(InputStream in) {
    return throttle.isLimited() ? new ThrottledInputStream(in, throttle) : in;
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
    }
    return total;
  }

  private static void add(VerifyReport report, VerifyReport.Problem problem) {
    synchronized (report) {
      report.problems.add(problem);
    }
  }

  private static void note(VerifyReport report, String note) {
    synchronized (report) {
      report.notes.add(note);
    }
  }

  private static String iso(Long time) {
    return time == null ? "(no edit)" : TimeParser.format(time);
  }

  /** One object to read: a segment, or a stored HFile. */
  private record Check(Manifest segment, FileCheck file) {}

  /**
   * A stored HFile, named by {@code owner} (a base or a bulk load: {@code kind} names its
   * problems), with what to do when it is damaged.
   */
  private record FileCheck(String kind, String owner, BaseImageFile file, String fix) {}

  /** Size and SHA-256 of a stream read to its end. */
  private record Digest(long count, String sha256) {
    static Digest of(InputStream in) throws IOException {
      MessageDigest digest = ManifestCodec.Sha256.newDigest();
      byte[] buffer = new byte[BUFFER];
      long count = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        count += n;
      }
      return new Digest(count, ManifestCodec.Sha256.toHex(digest.digest()));
    }
  }
}
