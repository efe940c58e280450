package io.rewind.base;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.FileCopier;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.ObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.regionserver.HStoreFile;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * Copies one HFile of a snapshot from HBase's file system straight to its final key in the store
 * ({@link FileCopier}: SHA-256 on the way, zstd unless the codec is none, paced by the shared
 * upload throttle), wherever HBase keeps it now (data or archive, through its link).
 */
final class HFileCopier {

  private final Configuration conf;
  private final FileSystem sourceFs;
  private final FileCopier files;

  /**
   * @param sealWith the key stored files are sealed with, or null to store them unencrypted
   */
  HFileCopier(
      Configuration conf,
      FileSystem sourceFs,
      ObjectStore store,
      UploadThrottle throttle,
      String codec,
      SegmentKey sealWith) {
    this.conf = conf;
    this.sourceFs = sourceFs;
    this.files = new FileCopier(store, throttle, codec, sealWith);
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
    try (InputStream in = file.link.open(sourceFs)) {
      return "SHA-256:" + FileCopier.sha256(in);
    }
  }

  /**
   * The file's MAX_SEQ_ID (0 when its metadata has none): a restore loads a store's files in that
   * order.
   */
  long maxSeqId(SnapshotHFile file) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path path = file.link.getAvailablePath(sourceFs);
      try (HFile.Reader reader =
          HFile.createReader(sourceFs, path, CacheConfig.DISABLED, true, conf)) {
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
   * Copies the file to {@code key}; returns its entry (the caller sets region, family and
   * checksum).
   */
  BaseImageFile copy(SnapshotHFile file, String key) throws IOException {
    try (InputStream in = file.link.open(sourceFs)) {
      BaseImageFile stored = files.copy(in, file.name, key);
      if (stored.size != file.size) {
        throw new BaseImageException(
            "HFile "
                + file
                + " had "
                + stored.size
                + " bytes where the snapshot manifest says "
                + file.size
                + ": HFiles never change, so the source is damaged. Run `hbase snapshot info -snapshot <name> -files`, fix the table,"
                + " and take the base again");
      }
      return stored;
    }
  }
}
