package io.rewind.client.io;

import io.rewind.client.store.ManifestCodec;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Counts the bytes written through it and feeds them through SHA-256: what a manifest or a file
 * entry records of the bytes that reached the store.
 */
public class Sha256OutputStream extends FilterOutputStream {

  private final MessageDigest digest = ManifestCodec.Sha256.newDigest();
  private long count;

  public Sha256OutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    count += len;
  }

  /** The bytes written so far. */
  public long count() {
    return count;
  }

  /** The SHA-256 of the bytes written, lower-case hex; call once, at the end. */
  public String sha256() {
    return ManifestCodec.Sha256.toHex(digest.digest());
  }
}
