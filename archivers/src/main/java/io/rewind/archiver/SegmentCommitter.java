package io.rewind.archiver;

import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestCodec;
import io.rewind.core.store.ManifestStore;
import io.rewind.core.store.ObjectStore;
import java.io.IOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * The store half of the commit protocol: the segment is written straight to its final key (never
 * renamed) through a SHA-256 digest, then its manifest, one small write, makes it visible. A crash
 * between the two leaves a segment without a manifest: invisible, and collected later.
 */
public final class SegmentCommitter {

  private final ObjectStore store;
  private final ManifestStore manifests;
  private final String archiverId;
  private final LongSupplier clock;

  public SegmentCommitter(ObjectStore store, String archiverId, LongSupplier clock) {
    this.store = store;
    this.manifests = new ManifestStore(store);
    this.archiverId = archiverId;
    this.clock = clock;
  }

  /** Writes the segment and then its manifest; returns the manifest written. */
  public Manifest commit(SealedSegment segment) throws IOException {
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    long size;
    try (FSDataOutputStream out = store.create(segment.key())) {
      DigestOutputStream digested = new DigestOutputStream(out, digest);
      digested.write(segment.bytes());
      digested.flush();
      ObjectStore.sync(out);
      size = out.getPos();
    }
    Manifest manifest =
        segment.toManifest(ManifestCodec.Sha256.toHex(digest.digest()), size, archiverId, clock.getAsLong());
    manifests.write(manifest);
    return manifest;
  }
}
