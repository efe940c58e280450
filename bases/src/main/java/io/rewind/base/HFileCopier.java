package io.rewind.base;

import io.rewind.core.base.BaseFile;
import io.rewind.core.base.StoredFiles;
import io.rewind.core.io.UploadThrottle;
import io.rewind.core.segment.SegmentKey;
import io.rewind.core.store.ManifestCodec;
import io.rewind.core.store.ObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.regionserver.HStoreFile;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Copies one HFile from HBase's file system straight to its final key in the store: one read, one
 * streamed write (no rename, no intermediate copy), SHA-256 over the HFile's bytes on the way,
 * zstd unless the codec is none, sealed when a key ring is configured, paced by the shared upload
 * throttle.
 */
final class HFileCopier {

  private static final int BUFFER = 256 * 1024;

  private final Configuration conf;
  private final FileSystem sourceFs;
  private final ObjectStore store;
  private final UploadThrottle throttle;
  private final String codec;
  private final SegmentKey sealWith;

  /** @param sealWith the key stored files are sealed with, or null to store them unencrypted */
  HFileCopier(Configuration conf, FileSystem sourceFs, ObjectStore store, UploadThrottle throttle, String codec, SegmentKey sealWith) {
    this.conf = conf;
    this.sourceFs = sourceFs;
    this.store = store;
    this.throttle = throttle;
    this.codec = codec;
    this.sealWith = sealWith;
  }

  /**
   * The source file system's checksum of the HFile (HDFS's MD5-of-CRC, cheap: computed from the
   * block checksums), or the SHA-256 of its bytes where the file system has none.
   */
  String sourceChecksum(SnapshotHFile file) throws IOException {
    Path path = file.link.getAvailablePath(sourceFs);
    FileChecksum checksum = sourceFs.getFileChecksum(path);
    if (checksum != null) {
      return checksum.getAlgorithmName() + ":" + Bytes.toHex(checksum.getBytes());
    }
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    try (InputStream in = file.link.open(sourceFs)) {
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return "SHA-256:" + ManifestCodec.Sha256.toHex(digest.digest());
  }

  /** The file's MAX_SEQ_ID (0 when its metadata has none): a restore loads a store's files in that order. */
  long maxSeqId(SnapshotHFile file) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path path = file.link.getAvailablePath(sourceFs);
      try (HFile.Reader reader = HFile.createReader(sourceFs, path, CacheConfig.DISABLED, true, conf)) {
        byte[] seq = reader.getHFileInfo().get(HStoreFile.MAX_SEQ_ID_KEY);
        return seq == null ? 0 : Bytes.toLong(seq);
      } catch (FileNotFoundException e) {
        if (attempt > 0) {
          throw e;
        }
        // Archived by a compaction between locating and opening it: the link finds it again.
      }
    }
  }

  /**
   * Copies the file to {@code key} in its stored form ({@link StoredFiles}: compressed, sealed with
   * the key ring's newest key when there is one); returns its entry (the caller sets region, family
   * and checksum).
   */
  BaseFile copy(SnapshotHFile file, String key) throws IOException {
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    long read = 0;
    try (InputStream in = file.link.open(sourceFs);
        FSDataOutputStream raw = store.create(key)) {
      StoredFiles.Writer out = StoredFiles.writer(raw, key, codec, sealWith, throttle);
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
        out.write(buf, 0, n);
        read += n;
      }
      out.close();
      ObjectStore.sync(raw);
      if (read != file.size) {
        throw new BaseException("HFile " + file + " had " + read + " bytes where the snapshot manifest says " + file.size
            + ": HFiles never change, so the source is damaged. Run `hbase snapshot info -snapshot <name> -files`, fix the table,"
            + " and take the base again");
      }
      BaseFile stored = new BaseFile();
      stored.name = file.name;
      stored.size = read;
      stored.sha256 = ManifestCodec.Sha256.toHex(digest.digest());
      stored.key = key;
      stored.codec = codec;
      stored.storedBytes = out.storedBytes();
      stored.storedSha256 = out.storedSha256();
      stored.keyId = out.keyId();
      return stored;
    }
  }
}
