package io.rewind.producer.hbase;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.base.FileCopier;
import io.rewind.client.base.StoredFiles;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.hbase.TableDescriptors;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.BulkLoadFile;
import io.rewind.schemas.QueueId;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.io.HFileLink;
import org.apache.hadoop.hbase.shaded.protobuf.ProtobufUtil;
import org.apache.hadoop.hbase.shaded.protobuf.generated.WALProtos.BulkLoadDescriptor;
import org.apache.hadoop.hbase.shaded.protobuf.generated.WALProtos.StoreDescriptor;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.hadoop.hbase.util.CommonFSUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures one bulk load when its WAL marker passes the replication peer: every HFile the marker
 * names is copied from HBase's file system into the store, where the bases keep theirs ({@link
 * BaseImageStore#fileKey}, through the same {@link FileCopier}: SHA-256, zstd, final key, no
 * rename), then the load is committed ({@link BulkLoadStore}). The endpoint publishes the load and
 * returns from {@code replicate} only after this, so HBase stores the queue position past the
 * marker only once the files are durable; until then HBase's own bulk-load replication keeps them
 * (its hfile references hold a compacted file in the archive directory, where the file's link finds
 * it).
 *
 * <p>Protocol, like a base's: intent naming every file → copies → commit → intent removed. A batch
 * HBase ships again finds the commit and copies nothing. A file already stored under its key (an
 * earlier attempt copied it) is reused when its bytes are the source's and no lease on the table is
 * present (retention and base deletes collect garbage under it), else copied beside it: a stored
 * file is never overwritten. The endpoint only reads the leases, never waits on them.
 */
final class BulkLoadCapture implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BulkLoadCapture.class);

  private final Configuration hbaseConf;
  private final RewindConfig config;
  private final String publisher;
  private final KeyRing keys;
  private final LeaseSettings leaseSettings;
  private ObjectStore store;

  /**
   * @param hbaseConf the region server's configuration: where HBase keeps its files
   * @param config the peer's settings: {@code store.uri}, {@code fs.*}, {@code base.codec} and the
   *     key ring ({@code segment.encryption.*})
   */
  BulkLoadCapture(Configuration hbaseConf, RewindConfig config, String publisher) {
    this.hbaseConf = hbaseConf;
    this.config = config;
    this.publisher = publisher;
    this.keys = KeyRing.fromConfig(config);
    this.leaseSettings = LeaseSettings.from(config);
  }

  /**
   * Copies and commits the load (or finds it committed), and returns the record to publish.
   *
   * @throws IOException when a file cannot be read or stored: the batch must be shipped again
   */
  BulkLoad capture(BulkLoadDescriptor marker, long writeTime, QueueId queue, int editsPartitions)
      throws IOException {
    ObjectStore s = store();
    BulkLoadStore loads = new BulkLoadStore(s);
    TableName table = ProtobufUtil.toTableName(marker.getTableName());
    String qualified = TableDescriptors.tableName(table);
    String region = marker.getEncodedRegionName().toStringUtf8();
    String commitKey =
        BulkLoadStore.commitKey(qualified, writeTime, region, marker.getBulkloadSeqNum());
    Optional<BulkLoadManifest> committed = loads.read(commitKey);
    if (committed.isPresent()) {
      LOG.info(
          "{} was captured before this batch was shipped again: publishing it", committed.get());
      return record(committed.get(), commitKey);
    }
    long started = System.currentTimeMillis();
    FileSystem fs = CommonFSUtils.getRootDirFileSystem(hbaseConf);
    BulkLoadManifest load = new BulkLoadManifest();
    load.table = qualified;
    load.region = region;
    load.sequenceId = marker.getBulkloadSeqNum();
    load.writeTime = writeTime;
    load.queueServer = queue.getServer();
    load.queueWalGroup = queue.getWalGroup();
    load.editsPartitions = editsPartitions;
    load.startedAt = started;
    List<HFileLink> links = new ArrayList<>();
    for (StoreDescriptor store : marker.getStoresList()) {
      String family = store.getFamilyName().toStringUtf8();
      for (String name : store.getStoreFileList()) {
        HFileLink link = HFileLink.build(hbaseConf, table, region, family, name);
        BaseImageFile f = new BaseImageFile();
        f.region = region;
        f.family = family;
        f.name = name;
        f.maxSeqId = marker.getBulkloadSeqNum();
        try {
          f.size = link.getFileStatus(fs).getLen();
        } catch (FileNotFoundException e) {
          throw new IOException(
              "the bulk-loaded file "
                  + name
                  + " of "
                  + qualified
                  + " (region "
                  + region
                  + ", family "
                  + family
                  + ") is neither in the region's directory nor in HBase's archive: it cannot be captured. Is"
                  + " hbase.replication.bulkload.enabled=true on every region server and the master (its replication hfile cleaner"
                  + " keeps such files until the peer shipped them)?",
              e);
        }
        FileChecksum checksum = fs.getFileChecksum(link.getAvailablePath(fs));
        f.sourceChecksum =
            checksum == null
                ? null
                : checksum.getAlgorithmName() + ":" + Bytes.toHex(checksum.getBytes());
        f.key = BaseImageStore.fileKey(qualified, family, name);
        load.files.add(f);
        links.add(link);
      }
    }
    loads.writeIntent(load);
    String codec = config.parse(FileCopier.CONFIG).getString(FileCopier.CODEC);
    FileCopier copier = new FileCopier(s, new UploadThrottle(0), codec, keys.writer().orElse(null));
    long copied = 0;
    for (int i = 0; i < load.files.size(); i++) {
      BaseImageFile planned = load.files.get(i);
      String intended = planned.key;
      BaseImageFile stored = storedCopy(s, planned, links.get(i), fs);
      if (stored != null
          && !new Leases(s, leaseSettings, System::currentTimeMillis)
              .present(LeaseResources.table(qualified))
              .isEmpty()) {
        // Retention or a base delete may have judged that copy garbage before this intent named it:
        // copy beside it instead.
        LOG.info(
            "{}: not reusing {} while a lease on {} is present; copying it anew",
            load,
            planned.key,
            qualified);
        planned.key = intended + "-" + UUID.randomUUID().toString().substring(0, 8);
        stored = null;
      }
      if (!planned.key.equals(intended)) {
        // The intent names every key before its file is written: garbage collection reads intents
        // after it lists files.
        loads.writeIntent(load);
      }
      if (stored == null) {
        try (InputStream in = links.get(i).open(fs)) {
          stored = copier.copy(in, planned.name, planned.key);
        }
        copied += stored.size;
        if (stored.size != planned.size) {
          throw new IOException(
              "the bulk-loaded file "
                  + planned.name
                  + " of "
                  + qualified
                  + " had "
                  + stored.size
                  + " bytes where HBase"
                  + " listed "
                  + planned.size
                  + ": HFiles never change, so it is damaged or was replaced; the batch is shipped again");
        }
      }
      stored.region = planned.region;
      stored.family = planned.family;
      stored.sourceChecksum = planned.sourceChecksum;
      stored.maxSeqId = planned.maxSeqId;
      load.files.set(i, stored);
    }
    load.committedAt = System.currentTimeMillis();
    loads.commit(load);
    loads.deleteIntent(load);
    LOG.info(
        "captured {} by {}: {} files, {} bytes ({} copied) in {} ms",
        load,
        publisher,
        load.files.size(),
        load.bytes(),
        copied,
        load.committedAt - started);
    return record(load, commitKey);
  }

  /**
   * The stored file when one is already under the planned key with the source's bytes; null when it
   * must be copied. A different file under the key (never seen from HBase, whose names are unique)
   * moves the copy to a key of its own: a stored file is never overwritten.
   */
  private BaseImageFile storedCopy(
      ObjectStore s, BaseImageFile planned, HFileLink link, FileSystem fs) throws IOException {
    if (!s.exists(planned.key)) {
      return null;
    }
    String sourceSha;
    try (InputStream in = link.open(fs)) {
      sourceSha = FileCopier.sha256(in);
    }
    BaseImageFile stored = StoredFiles.identify(s, planned.key, keys);
    if (stored != null && stored.sha256.equals(sourceSha)) {
      stored.name = planned.name;
      return stored;
    }
    planned.key =
        planned.key
            + "-"
            + ManifestCodec.Sha256.hex(sourceSha.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    return s.exists(planned.key) ? storedCopy(s, planned, link, fs) : null;
  }

  private static BulkLoad record(BulkLoadManifest load, String commitKey) {
    List<BulkLoadFile> files = new ArrayList<>();
    for (BaseImageFile f : load.files) {
      files.add(
          BulkLoadFile.newBuilder()
              .setFamily(f.family)
              .setName(f.name)
              .setKey(f.key)
              .setSize(f.size)
              .setSha256(f.sha256)
              .build());
    }
    return BulkLoad.newBuilder()
        .setTable(load.table)
        .setRegion(load.region)
        .setWriteTime(load.writeTime)
        .setSequenceId(load.sequenceId)
        .setQueue(
            QueueId.newBuilder()
                .setServer(load.queueServer)
                .setWalGroup(load.queueWalGroup)
                .build())
        .setFiles(files)
        .setCommitKey(commitKey)
        .build();
  }

  private synchronized ObjectStore store() throws IOException {
    if (store == null) {
      store = ObjectStore.open(config);
    }
    return store;
  }

  @Override
  public synchronized void close() {
    if (store != null) {
      try {
        store.close();
      } catch (IOException e) {
        LOG.debug("closing the store of {}", publisher, e);
      }
      store = null;
    }
  }
}
