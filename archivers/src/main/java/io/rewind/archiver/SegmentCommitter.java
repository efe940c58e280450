package io.rewind.archiver;

import io.rewind.client.io.ThrottledOutputStream;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.segment.SealedSegment;
import io.rewind.store.segment.SegmentWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * The store half of the commit protocol: the segment is written straight to its final key (never
 * renamed), optionally sealed with the segment key and paced by the upload throttle, then its
 * manifest, one small write, makes it visible. A crash between the two leaves a segment without a
 * manifest: invisible, and removed later by {@link OrphanSegmentCollector}.
 *
 * <p>A manifest is never replaced: manifests are keyed by their start offset, and one that exists
 * already was written by another archiver that owns (or owned) the partition. Replacing it with a
 * shorter range would open a gap in the chain. So the committer looks before writing the segment
 * and again before writing the manifest, and stands down when it finds one ({@link Superseded}).
 * Between the look and the write only an archiver archiving the very same range can interfere, and
 * that one writes the same bytes (deterministic segments, see {@link SegmentWriter}).
 */
public final class SegmentCommitter {

  private final ObjectStore store;
  private final ManifestStore manifests;
  private final String archiverId;
  private final LongSupplier clock;
  private final SegmentKey key;
  private final UploadThrottle throttle;
  private final ProtocolHook hook;

  public SegmentCommitter(ObjectStore store, String archiverId, LongSupplier clock) {
    this(store, archiverId, clock, null, new UploadThrottle(0), ProtocolHook.NONE);
  }

  /**
   * Sealing each segment with {@code key} (null: unencrypted), as an archiver configured with it
   * does.
   */
  public SegmentCommitter(
      ObjectStore store, String archiverId, LongSupplier clock, SegmentKey key) {
    this(store, archiverId, clock, key, new UploadThrottle(0), ProtocolHook.NONE);
  }

  SegmentCommitter(
      ObjectStore store,
      String archiverId,
      LongSupplier clock,
      SegmentKey key,
      UploadThrottle throttle,
      ProtocolHook hook) {
    this.store = store;
    this.manifests = new ManifestStore(store);
    this.archiverId = archiverId;
    this.clock = clock;
    this.key = key;
    this.throttle = throttle;
    this.hook = hook;
  }

  /**
   * Writes the segment and then its manifest; returns the manifest written.
   *
   * @throws Superseded when another archiver committed a segment starting at the same offset
   */
  public Manifest commit(SealedSegment segment) throws IOException, InterruptedException {
    hook.reached(ProtocolPoint.SEGMENT_SEALED, segment.partition());
    checkNotCommitted(segment);
    byte[] bytes = key == null ? segment.bytes() : key.encrypt(segment.bytes(), segment.key());
    try (FSDataOutputStream out = store.create(segment.key())) {
      OutputStream paced = throttle.isLimited() ? new ThrottledOutputStream(out, throttle) : out;
      paced.write(bytes);
      paced.flush();
      ObjectStore.sync(out);
    }
    hook.reached(ProtocolPoint.SEGMENT_WRITTEN, segment.partition());
    Manifest manifest =
        segment.toManifest(
            ManifestCodec.Sha256.hex(bytes), bytes.length, archiverId, clock.getAsLong());
    manifest.keyId = key == null ? null : key.id();
    checkNotCommitted(segment);
    manifests.write(manifest);
    hook.reached(ProtocolPoint.MANIFEST_WRITTEN, segment.partition());
    return manifest;
  }

  private void checkNotCommitted(SealedSegment segment) throws IOException {
    Optional<Manifest> existing =
        manifests.read(StoreLayout.manifest(segment.partition(), segment.startOffset()));
    if (existing.isPresent()) {
      throw new Superseded(segment, existing.get());
    }
  }

  /**
   * Another archiver already committed a segment at this start offset: this one no longer owns the
   * partition (a zombie after a rebalance) or lost a race with its new owner. Nothing was replaced.
   */
  public static final class Superseded extends IOException {
    private static final long serialVersionUID = 1L;

    Superseded(SealedSegment segment, Manifest existing) {
      super(
          segment
              + " was not committed: "
              + existing
              + " (archiver "
              + existing.archiver
              + ") already starts there, so another archiver owns the partition now; its manifest is kept");
    }
  }
}
