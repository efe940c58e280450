package io.rewind.base;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.store.ObjectStore;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * One planned file of a base brought into the store, the same for the local copy threads and the
 * map tasks of {@link BaseImageCopyEngine}: a reused entry whose stored copy is there is kept;
 * otherwise the HFile is copied to its final key (compressed, sealed, checksummed as it streams)
 * and its entry completed with the region, family, source checksum and MAX_SEQ_ID.
 */
public final class BaseImageFileCopy {

  private final HFileCopier copier;
  private final ObjectStore store;

  BaseImageFileCopy(HFileCopier copier, ObjectStore store) {
    this.copier = copier;
    this.store = store;
  }

  /**
   * A copier reading HBase's files from {@code sourceFs}, writing to {@code store} under {@code
   * throttle}.
   */
  public static BaseImageFileCopy of(
      Configuration conf,
      FileSystem sourceFs,
      ObjectStore store,
      UploadThrottle throttle,
      BaseImageSettings settings) {
    return new BaseImageFileCopy(
        new HFileCopier(
            conf, sourceFs, store, throttle, settings.codec(), settings.sealWith().orElse(null)),
        store);
  }

  /** Copies a file another process planned ({@link BaseImageCopyEngine.Source}). */
  public BaseImageFile copy(
      Configuration conf, BaseImageFile entry, BaseImageCopyEngine.Source source)
      throws IOException {
    return copy(entry, SnapshotHFile.of(conf, source));
  }

  BaseImageFile copy(BaseImageFile entry, SnapshotHFile source) throws IOException {
    if (entry.sha256 != null
        && store.exists(entry.key)
        && store.size(entry.key) == entry.storedBytes) {
      return entry;
    }
    BaseImageFile copied = copier.copy(source, entry.key);
    copied.region = entry.region;
    copied.family = entry.family;
    copied.sourceChecksum = entry.sourceChecksum;
    copied.maxSeqId = copier.maxSeqId(source);
    return copied;
  }
}
