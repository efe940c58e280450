package io.rewind.core.base;

import com.github.luben.zstd.ZstdOutputStream;
import io.rewind.core.io.ThrottledOutputStream;
import io.rewind.core.io.UploadThrottle;
import io.rewind.core.store.ManifestCodec;
import io.rewind.core.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * Copies a file (an HFile of a base or of a bulk load) straight to its final key in the store: one
 * read, one streamed write (no rename, no intermediate copy), SHA-256 over the file's bytes on the
 * way, zstd unless the codec is none, paced by an upload throttle. The bases' copier and the
 * replication endpoint's bulk-load capture share it, so their files are stored alike.
 */
public final class FileCopier {

  private static final int BUFFER = 256 * 1024;

  private final ObjectStore store;
  private final UploadThrottle throttle;
  private final String codec;

  /** @param codec zstd or none */
  public FileCopier(ObjectStore store, UploadThrottle throttle, String codec) {
    if (!codec.equals("zstd") && !codec.equals("none")) {
      throw new IllegalArgumentException("stored files are zstd or none, not " + codec);
    }
    this.store = store;
    this.throttle = throttle;
    this.codec = codec;
  }

  /**
   * Copies the stream to {@code key}; returns its entry with name, size (the bytes read), SHA-256,
   * key, codec and stored bytes set. The caller compares the size with what it expected.
   */
  public BaseFile copy(InputStream in, String name, String key) throws IOException {
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    long read = 0;
    try (FSDataOutputStream raw = store.create(key)) {
      CountingOutputStream counted = new CountingOutputStream(raw);
      OutputStream paced = throttle.isLimited() ? new ThrottledOutputStream(counted, throttle) : counted;
      OutputStream out = codec.equals("zstd") ? new ZstdOutputStream(paced, 3) : paced;
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
        out.write(buf, 0, n);
        read += n;
      }
      out.flush();
      if (out instanceof ZstdOutputStream) {
        ((ZstdOutputStream) out).close();
      }
      ObjectStore.sync(raw);
      BaseFile stored = new BaseFile();
      stored.name = name;
      stored.size = read;
      stored.sha256 = ManifestCodec.Sha256.toHex(digest.digest());
      stored.key = key;
      stored.codec = codec;
      stored.storedBytes = counted.count;
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

  /** Counts the bytes that reach the store. */
  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() {
      // The raw stream is closed by its owner, after the sync.
    }
  }
}
