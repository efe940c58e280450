package io.rewind.base;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.hbase.TableDescriptors;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.TableHistory;
import io.rewind.schemas.TableDescriptor;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.io.Futures;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.SnapshotDescription;
import org.apache.hadoop.hbase.client.SnapshotType;
import org.apache.hadoop.hbase.snapshot.SnapshotDescriptionUtils;
import org.apache.hadoop.hbase.util.CommonFSUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a base of a table: an HBase snapshot (flushed), then its manifest and every HFile it
 * references copied from HBase's root directory to {@code bases/} in the store, in parallel under
 * the thread and bandwidth caps. An HFile an earlier base of the table already stored (same name,
 * size and checksum) is not copied again. Protocol: intent (naming every file) → copies → check
 * that every reused file is still there → commit (base.json) → intent removed → snapshot deleted,
 * all under the table's lease. A crash anywhere leaves at most an intent and unreferenced files,
 * which garbage collection removes.
 */
public final class BaseImageTaker {

  private static final Logger LOG = LoggerFactory.getLogger(BaseImageTaker.class);

  private final Connection connection;
  private final Configuration conf;
  private final BaseImageStore bases;
  private final BaseImageSettings settings;
  private final Leases leases;
  private BaseImageCopyEngine engine;

  /**
   * @param conf HBase's configuration: it must name the root directory (hbase.rootdir) and its file
   *     system, as the cluster's hbase-site.xml does
   */
  public BaseImageTaker(
      Connection connection, Configuration conf, ObjectStore store, BaseImageSettings settings) {
    this.connection = connection;
    this.conf = conf;
    this.bases = new BaseImageStore(store);
    this.settings = settings;
    this.leases = new Leases(store, settings.leaseSettings(), System::currentTimeMillis);
  }

  /**
   * Copies the HFiles through this engine (a MapReduce job) rather than on this process's threads.
   */
  public BaseImageTaker withCopyEngine(BaseImageCopyEngine engine) {
    this.engine = engine;
    return this;
  }

  /**
   * Takes a base of the table under the table's lease (waiting up to lease.wait.ms for another
   * operation on it): the lease is checked before the intent is written and renewed just before the
   * commit, so a copy paused past its lease commits nothing once another operation took the table.
   *
   * @throws io.rewind.client.lease.LeaseBusyException naming the holder when the table stays leased
   */
  public BaseImageReport take(String table) throws IOException, InterruptedException {
    TableName name = TableName.valueOf(table);
    String qualified = name.getNameWithNamespaceInclAsString();
    Path rootDir = rootDir();
    try (Lease lease = leases.acquire("base", List.of(LeaseResources.table(qualified)))) {
      return take(name, qualified, rootDir, lease);
    }
  }

  private BaseImageReport take(TableName name, String qualified, Path rootDir, Lease lease)
      throws IOException {
    long began = System.currentTimeMillis();
    FileSystem fs = rootDir.getFileSystem(conf);
    try (Admin admin = connection.getAdmin()) {
      if (!admin.tableExists(name)) {
        throw new BaseImageException(
            Kind.REFUSED,
            "table "
                + qualified
                + " does not exist in HBase (tables are namespace:qualifier, e.g. default:orders):"
                + " check the name with `list` in the HBase shell");
      }
      long startedAt = System.currentTimeMillis();
      String snapshot =
          "rewind-"
              + name.getNamespaceAsString()
              + "-"
              + name.getQualifierAsString()
              + "-"
              + startedAt;
      admin.snapshot(new SnapshotDescription(snapshot, name, SnapshotType.FLUSH));
      long completedAt = System.currentTimeMillis();
      try {
        Path snapshotDir = SnapshotDescriptionUtils.getCompletedSnapshotDir(snapshot, rootDir);
        SnapshotContents contents = SnapshotContents.read(conf, fs, snapshotDir);
        long created = contents.description.getCreationTime();
        // The master stamps the snapshot when it starts it: take the earlier of the two clocks.
        if (created > 0 && created < startedAt) {
          startedAt = created;
        }
        BaseImageManifest base = new BaseImageManifest();
        base.table = qualified;
        base.id = BaseImageStore.baseId(startedAt);
        base.snapshot = snapshot;
        base.startedAt = startedAt;
        base.marginMs = settings.marginMs();
        base.replayAfter = startedAt - settings.marginMs();
        base.completedAt = completedAt;
        base.regions = contents.regions;
        BaseImageReport report = copy(base, contents, fs, snapshotDir, lease);
        TableDescriptor seen = TableDescriptors.toAvro(admin.getDescriptor(name), completedAt);
        new TableHistory(bases.store()).write(seen);
        if (TableDescriptorFile.read(bases.store(), qualified).isEmpty()) {
          TableDescriptorFile.write(bases.store(), seen);
        }
        lease.confirm();
        base.committedAt = System.currentTimeMillis();
        base.leaseEpoch = lease.epoch();
        report.leaseEpoch = base.leaseEpoch;
        bases.commit(base);
        bases.deleteIntent(base);
        report.durationMs = System.currentTimeMillis() - began;
        LOG.info(
            "base {} of {} committed: {} files ({} copied, {} reused), {} bytes copied at {} MB/s",
            base.id,
            qualified,
            report.files,
            report.filesCopied,
            report.filesReused,
            report.bytesCopied,
            String.format("%.1f", report.copyMbPerSec));
        return report;
      } finally {
        if (!settings.keepSnapshot()) {
          admin.deleteSnapshot(snapshot);
        }
      }
    }
  }

  private Path rootDir() throws IOException {
    if (conf.get("hbase.rootdir") == null) {
      throw new BaseImageException(
          Kind.REFUSED,
          "HBase's root directory is unknown: a base copies HFiles from it. Pass the cluster's hbase-site.xml"
              + " (--hbase-site) or --hbase-conf hbase.rootdir=hdfs://<namenode>/hbase (and fs.defaultFS)");
    }
    return CommonFSUtils.getRootDir(conf);
  }

  private BaseImageReport copy(
      BaseImageManifest base,
      SnapshotContents contents,
      FileSystem fs,
      Path snapshotDir,
      Lease lease)
      throws IOException {
    HFileCopier copier =
        new HFileCopier(
            conf,
            fs,
            bases.store(),
            new UploadThrottle(settings.bytesPerSecond()),
            settings.codec(),
            settings.sealWith().orElse(null));
    Map<String, BaseImageFile> stored = new HashMap<>();
    for (BaseImageManifest earlier : bases.bases(base.table).all()) {
      earlier.files.forEach(f -> stored.putIfAbsent(f.name, f));
    }
    // A bulk-loaded file the endpoint captured is the same file when a snapshot names it later.
    for (BulkLoadManifest load : new BulkLoadStore(bases.store()).all(base.table)) {
      load.files.forEach(f -> stored.putIfAbsent(f.name, f));
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            settings.threads(),
            r -> {
              Thread t = new Thread(r, "rewind-base-copy");
              t.setDaemon(true);
              return t;
            });
    BaseImageReport report = new BaseImageReport();
    report.table = base.table;
    report.id = base.id;
    report.snapshot = base.snapshot;
    report.startedAt = base.startedAt;
    report.completedAt = base.completedAt;
    report.replayAfter = base.replayAfter;
    report.threads = settings.threads();
    report.copyEngine = engine == null ? "local" : "mapreduce";
    try {
      // Plan: checksum every source file and decide copy or reuse (reads metadata only on HDFS).
      List<Future<BaseImageFile>> planned = new ArrayList<>();
      for (SnapshotHFile f : contents.files) {
        planned.add(pool.submit(() -> plan(copier, f, stored.get(f.name), base.table, base.id)));
      }
      List<BaseImageFile> files = Futures.awaitAll(planned);
      base.files = files;
      lease.check();
      bases.writeIntent(base);

      long copyStarted = System.nanoTime();
      if (engine != null) {
        List<BaseImageCopyEngine.Source> sources = new ArrayList<>();
        contents.files.forEach(f -> sources.add(f.source));
        base.files = engine.copy(base.table, files, sources);
      } else {
        BaseImageFileCopy fileCopy = new BaseImageFileCopy(copier, bases.store());
        List<Future<BaseImageFile>> copies = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
          BaseImageFile entry = files.get(i);
          SnapshotHFile source = contents.files.get(i);
          copies.add(pool.submit(() -> fileCopy.copy(entry, source)));
        }
        base.files = Futures.awaitAll(copies);
      }
      long copyNanos = System.nanoTime() - copyStarted;
      base.snapshotFiles =
          copySnapshotManifest(
              fs, snapshotDir, BaseImageStore.baseDir(base.table, base.id) + "/snapshot");

      report.files = base.files.size();
      for (int i = 0; i < base.files.size(); i++) {
        BaseImageFile f = base.files.get(i);
        report.bytes += f.size;
        if (files.get(i).sha256 != null) {
          report.filesReused++;
          report.bytesReused += f.size;
        } else {
          report.filesCopied++;
          report.bytesCopied += f.size;
          report.storedBytesWritten += f.storedBytes;
        }
      }
      report.copyMs = copyNanos / 1_000_000;
      report.copyMbPerSec = copyNanos == 0 ? 0 : report.bytesCopied / 1e6 / (copyNanos / 1e9);
      return report;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The file's entry: the stored copy's when an earlier base holds the same HFile, else a new key
   * to copy to.
   */
  private static BaseImageFile plan(
      HFileCopier copier, SnapshotHFile f, BaseImageFile earlier, String table, String baseId)
      throws IOException {
    BaseImageFile entry = new BaseImageFile();
    entry.region = f.region;
    entry.family = f.family;
    entry.name = f.name;
    entry.size = f.size;
    entry.sourceChecksum = copier.sourceChecksum(f);
    if (earlier != null && entry.sameContentAs(earlier)) {
      entry.sha256 = earlier.sha256;
      entry.key = earlier.key;
      entry.storedBytes = earlier.storedBytes;
      entry.codec = earlier.codec;
      entry.storedSha256 = earlier.storedSha256;
      entry.keyId = earlier.keyId;
      entry.maxSeqId = earlier.maxSeqId;
    } else {
      entry.key = BaseImageStore.fileKey(table, f.family, f.name, baseId);
    }
    return entry;
  }

  /** The snapshot's own files (.snapshotinfo, data.manifest), copied under the base's directory. */
  private List<String> copySnapshotManifest(FileSystem fs, Path snapshotDir, String target)
      throws IOException {
    List<String> keys = new ArrayList<>();
    String prefix = fs.makeQualified(snapshotDir).toUri().getPath() + "/";
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(snapshotDir, true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      String relative = p.toUri().getPath().substring(prefix.length());
      String key = target + "/" + relative;
      try (InputStream in = fs.open(p)) {
        bases.store().write(key, in.readAllBytes());
      }
      keys.add(key);
    }
    return keys;
  }
}
