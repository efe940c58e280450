package io.rewind.client.base;

import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Copies a file (an HFile of a base or of a bulk load) straight to its final key in the store: one
 * read, one streamed write (no rename, no intermediate copy), SHA-256 over the file's bytes on the
 * way, zstd unless the codec is none, sealed when a key ring is configured, paced by an upload
 * throttle. The bases' copier and the replication endpoint's bulk-load capture share it, so their
 * files are stored alike.
 */
public final class FileCopier {

  /**
   * How stored HFiles are compressed: read by the base copy and by the endpoint's bulk-load capture
   * alike.
   */
  public static final String CODEC = "base.codec";

  /**
   * The base.codec setting, shared by the bases (BaseImageSettings) and the endpoint
   * (BulkLoadCapture).
   */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              CODEC,
              Type.STRING,
              "zstd",
              ValidString.in("zstd", "none"),
              Importance.MEDIUM,
              "How stored HFiles (bases, and bulk loads the endpoint captures: set it in the peer's CONFIG) are compressed."
                  + " HFiles of families compressed in HBase gain little.");

  private static final int BUFFER = 256 * 1024;

  private final ObjectStore store;
  private final UploadThrottle throttle;
  private final String codec;
  private final SegmentKey sealWith;

  /**
   * @param codec zstd or none
   * @param sealWith the key stored files are sealed with (the key ring's newest), or null to store
   *     them unencrypted
   */
  public FileCopier(ObjectStore store, UploadThrottle throttle, String codec, SegmentKey sealWith) {
    if (!codec.equals("zstd") && !codec.equals("none")) {
      throw new IllegalArgumentException("stored files are zstd or none, not " + codec);
    }
    this.store = store;
    this.throttle = throttle;
    this.codec = codec;
    this.sealWith = sealWith;
  }

  /**
   * Copies the stream to {@code key} in its stored form ({@link StoredFiles}); returns its entry
   * with name, size (the bytes read), SHA-256, key, codec, stored bytes, stored SHA-256 and key id
   * set. The caller compares the size with what it expected.
   */
  public BaseImageFile copy(InputStream in, String name, String key) throws IOException {
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    long read = 0;
    try (FSDataOutputStream raw = store.create(key)) {
      StoredFiles.Writer out = StoredFiles.writer(raw, key, codec, sealWith, throttle);
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
        out.write(buf, 0, n);
        read += n;
      }
      out.close();
      ObjectStore.sync(raw);
      BaseImageFile stored = new BaseImageFile();
      stored.name = name;
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

  /** The SHA-256 of a stream's bytes, lower-case hex. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    byte[] buf = new byte[BUFFER];
    for (int n; (n = in.read(buf)) > 0; ) {
      digest.update(buf, 0, n);
    }
    return ManifestCodec.Sha256.toHex(digest.digest());
  }
}
