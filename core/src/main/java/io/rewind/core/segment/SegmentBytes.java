package io.rewind.core.segment;

import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestCodec;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * A segment's stored bytes as they are read, counted and fed through SHA-256, so that they are
 * checked against the manifest without being held: {@link #mismatch()} reads what is left and
 * tells whether size and digest are the manifest's.
 */
final class SegmentBytes extends FilterInputStream {

  private static final int DRAIN_BUFFER = 64 * 1024;

  private final Manifest manifest;
  private final MessageDigest digest = ManifestCodec.Sha256.newDigest();
  private long count;
  private String mismatch;
  private boolean checked;

  SegmentBytes(InputStream stored, Manifest manifest) {
    super(stored);
    this.manifest = manifest;
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
    byte[] buffer = new byte[(int) Math.min(n, DRAIN_BUFFER)];
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

  /**
   * Reads the rest of the segment and compares its size and SHA-256 with the manifest's: null when
   * both match, else the difference, worded for {@link CorruptSegmentException}. Reads once; later
   * calls return the same answer.
   */
  String mismatch() throws IOException {
    if (checked) {
      return mismatch;
    }
    byte[] buffer = new byte[DRAIN_BUFFER];
    while (read(buffer, 0, buffer.length) >= 0) {
      // drained through the digest
    }
    checked = true;
    if (count != manifest.sizeBytes) {
      mismatch = "it holds " + count + " bytes, its manifest says " + manifest.sizeBytes;
    } else {
      String actual = ManifestCodec.Sha256.toHex(digest.digest());
      if (!actual.equalsIgnoreCase(manifest.sha256)) {
        mismatch = "its SHA-256 is " + actual + ", its manifest says " + manifest.sha256;
      }
    }
    return mismatch;
  }
}
