package io.rewind.archiver;

import io.rewind.client.store.Manifest;
import io.rewind.store.catalog.ManifestStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an archiver resumes a partition it is given, decided from the store (the truth), not from
 * the group's committed offset: the end of the contiguous manifest chain, or the log start when
 * nothing is archived yet. Manifests of the chain above the committed offset may never have been
 * published to the archived topic (a crash between the two): they are published again, which is
 * harmless when they were. Pure.
 */
public final class ResumePlan {

  private final long startOffset;
  private final long archivedEnd;
  private final List<Manifest> toRepublish;
  private final boolean commitNeeded;

  private ResumePlan(
      long startOffset, long archivedEnd, List<Manifest> toRepublish, boolean commitNeeded) {
    this.startOffset = startOffset;
    this.archivedEnd = archivedEnd;
    this.toRepublish = List.copyOf(toRepublish);
    this.commitNeeded = commitNeeded;
  }

  /**
   * @param committed the group's committed offset for the partition, or null when none
   * @param newStoreFromLogStart an empty store may start at a log start above 0 (the operator's
   *     explicit choice: see {@link ArchiverSettings#NEW_STORE_START})
   * @throws DataLossException when the chain ends below the log start: records expired unarchived
   * @throws LogTruncationException when the chain ends beyond the log end
   * @throws UnarchivedStartException when the store holds nothing of a partition whose earlier
   *     offsets are gone from the log or were committed by the group (archived to another store)
   */
  public static ResumePlan of(
      String topic,
      int partition,
      ManifestStore.Chain chain,
      long logStart,
      long logEnd,
      Long committed,
      boolean newStoreFromLogStart) {
    if (chain.isEmpty()) {
      if (!newStoreFromLogStart && (logStart > 0 || (committed != null && committed > logStart))) {
        throw new UnarchivedStartException(topic, partition, logStart, committed);
      }
      return new ResumePlan(logStart, -1, List.of(), false);
    }
    long end = chain.end();
    if (end < logStart) {
      throw new DataLossException(topic, partition, end, logStart);
    }
    if (end > logEnd) {
      throw new LogTruncationException(topic, partition, end, logEnd);
    }
    List<Manifest> republish = new ArrayList<>();
    for (Manifest m : chain.manifests()) {
      if (committed == null || m.endOffset > committed) {
        republish.add(m);
      }
    }
    return new ResumePlan(end, end, republish, committed == null || committed < end);
  }

  /** The consumer position to resume from: the first offset not yet archived. */
  public long startOffset() {
    return startOffset;
  }

  /** The end of the partition's manifest chain (exclusive), or -1 when nothing is archived yet. */
  public long archivedEnd() {
    return archivedEnd;
  }

  /** Manifests to publish again to the archived topic, in offset order. */
  public List<Manifest> toRepublish() {
    return toRepublish;
  }

  /**
   * The group's committed offset is behind the archive and should be moved to {@link #startOffset}.
   */
  public boolean commitNeeded() {
    return commitNeeded;
  }
}
