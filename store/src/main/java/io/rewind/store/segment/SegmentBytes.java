package io.rewind.store.segment;

import io.rewind.client.io.Sha256InputStream;
import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.store.Manifest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A segment's stored bytes as they are read, counted and fed through SHA-256, so that they are
 * checked against the manifest without being held: {@link #mismatch()} reads what is left and tells
 * whether size and digest are the manifest's.
 */
final class SegmentBytes extends Sha256InputStream {

  private final Manifest manifest;
  private String mismatch;
  private boolean checked;

  SegmentBytes(InputStream stored, Manifest manifest) {
    super(stored);
    this.manifest = manifest;
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
    drain();
    checked = true;
    if (count() != manifest.sizeBytes) {
      mismatch = "it holds " + count() + " bytes, its manifest says " + manifest.sizeBytes;
    } else {
      String actual = sha256();
      if (!actual.equalsIgnoreCase(manifest.sha256)) {
        mismatch = "its SHA-256 is " + actual + ", its manifest says " + manifest.sha256;
      }
    }
    return mismatch;
  }
}
