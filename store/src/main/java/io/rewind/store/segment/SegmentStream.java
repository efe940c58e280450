package io.rewind.store.segment;

import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * A committed segment's Avro container bytes, decrypted when the manifest names a key id, streamed
 * from the store through a counter and a SHA-256 digest of the stored bytes ({@link SegmentBytes}):
 * what {@link SegmentReader} decodes, and what a compaction copies block by block. Checked against
 * the manifest by {@link #mismatch()} once read.
 */
public final class SegmentStream implements Closeable {

  /** Read from the store in large requests; the decoder asks for 8 KiB at a time. */
  private static final int READ_BUFFER = 64 * 1024;

  private final Manifest manifest;
  private final SegmentBytes stored;
  private final InputStream plain;

  private SegmentStream(Manifest manifest, SegmentBytes stored, InputStream plain) {
    this.manifest = manifest;
    this.stored = stored;
    this.plain = plain;
  }

  /**
   * Opens the segment of a manifest: {@code RWE2} objects are decrypted as they stream, {@code
   * RWE1} objects (whole-buffer, bounded by segment.max.bytes) read whole, checked and decrypted
   * first.
   *
   * @param key the segment encryption key, or null when none is configured
   * @throws MissingSegmentException when the store does not hold the segment
   * @throws SegmentKeyException when the segment is encrypted and the key is missing or wrong
   * @throws CorruptSegmentException when an RWE1 segment does not match its manifest
   */
  public static SegmentStream open(ObjectStore store, Manifest manifest, SegmentKey key)
      throws IOException {
    if (manifest.keyId != null && key != null && !key.id().equals(manifest.keyId)) {
      throw new SegmentKeyException(
          manifest.segmentPath,
          manifest.keyId,
          "the configured key has id '" + key.id() + "'",
          null);
    }
    return open(store, manifest, KeyRing.of(key));
  }

  /**
   * Opens the segment of a manifest with the key of its ring that sealed it.
   *
   * @throws SegmentKeyException when the segment is encrypted and the ring lacks its key id
   */
  public static SegmentStream open(ObjectStore store, Manifest manifest, KeyRing ring)
      throws IOException {
    String path = manifest.segmentPath;
    SegmentKey key = manifest.keyId == null ? null : ring.opener(path, manifest.keyId);
    InputStream in;
    try {
      // Its length is in the manifest: one GET, no HEAD first; a missing object then shows at the
      // first read.
      in = store.open(path, manifest.sizeBytes);
    } catch (FileNotFoundException e) {
      throw missing(manifest, e);
    }
    SegmentBytes stored = new SegmentBytes(new BufferedInputStream(in, READ_BUFFER), manifest);
    try {
      return new SegmentStream(
          manifest, stored, manifest.keyId == null ? stored : decrypting(stored, key, manifest));
    } catch (FileNotFoundException e) {
      stored.close();
      throw missing(manifest, e);
    } catch (IOException | RuntimeException e) {
      stored.close();
      throw e;
    }
  }

  private static InputStream decrypting(SegmentBytes stored, SegmentKey key, Manifest manifest)
      throws IOException {
    PushbackInputStream in = new PushbackInputStream(stored, 4);
    byte[] magic = in.readNBytes(4);
    in.unread(magic);
    if (SegmentKey.isStreaming(magic)) {
      return key.decryptingStream(in, manifest.segmentPath);
    }
    byte[] sealed = in.readAllBytes();
    String mismatch = stored.mismatch();
    if (mismatch != null) {
      throw new CorruptSegmentException(manifest.segmentPath, mismatch, null);
    }
    return new ByteArrayInputStream(key.decrypt(sealed, manifest.segmentPath));
  }

  static MissingSegmentException missing(Manifest manifest, FileNotFoundException e) {
    return new MissingSegmentException(manifest.segmentPath, manifest.key(), e);
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The container bytes (plaintext). */
  public InputStream plain() {
    return plain;
  }

  SegmentBytes stored() {
    return stored;
  }

  /**
   * Reads the rest of the stored bytes and compares size and SHA-256 with the manifest: null when
   * both match, else the difference, worded for {@link CorruptSegmentException}.
   */
  public String mismatch() throws IOException {
    return stored.mismatch();
  }

  @Override
  public void close() throws IOException {
    plain.close();
    stored.close();
  }
}
