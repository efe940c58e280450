package io.rewind.client.io;

import io.rewind.client.store.ManifestCodec;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Counts the bytes read through it and feeds them through SHA-256, skipped bytes too: how a stored
 * object is checked against its recorded size and digest without being held.
 */
public class Sha256InputStream extends FilterInputStream {

  private static final int SKIP_BUFFER = 64 * 1024;

  private final MessageDigest digest = ManifestCodec.Sha256.newDigest();
  private long count;

  public Sha256InputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      digest.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      digest.update(b, off, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still pass through the digest.
    byte[] buffer = new byte[(int) Math.min(n, SKIP_BUFFER)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads what is left, through the digest. */
  public void drain() throws IOException {
    byte[] buffer = new byte[SKIP_BUFFER];
    while (read(buffer, 0, buffer.length) >= 0) {
      // through the digest
    }
  }

  /** The bytes read so far. */
  public long count() {
    return count;
  }

  /** The SHA-256 of the bytes read, lower-case hex; call once, at the end. */
  public String sha256() {
    return ManifestCodec.Sha256.toHex(digest.digest());
  }
}
