package io.rewind.store.catalog;

import io.rewind.client.store.Manifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pure: which manifests cover a partition's contiguous chain. Overlapping manifests are redundant
 * copies of immutable offsets (a zombie archiver's, or the finer segments a compaction merged), so
 * the coarsest one at each start is preferred and any manifest ending within what is covered so far
 * is redundant; a manifest starting past the end so far is beyond a gap and ends the chain.
 */
public final class Covering {

  /** Start offset ascending, the widest first among equal starts: the coarsest copy wins. */
  public static final Comparator<Manifest> ORDER =
      Comparator.comparingLong((Manifest m) -> m.startOffset)
          .thenComparing(Comparator.comparingLong((Manifest m) -> m.endOffset).reversed());

  private final long start;
  private final long end;
  private final List<Manifest> covering;
  private final List<Manifest> redundant;
  private final List<Manifest> beyondGap;

  private Covering(
      long start,
      long end,
      List<Manifest> covering,
      List<Manifest> redundant,
      List<Manifest> beyondGap) {
    this.start = start;
    this.end = end;
    this.covering = covering;
    this.redundant = redundant;
    this.beyondGap = beyondGap;
  }

  /**
   * Extends a chain ending at {@code from} (exclusive; -1 for an empty chain, which the first
   * manifest then starts) with the given manifests, in any order.
   */
  public static Covering extend(long from, List<Manifest> manifests) {
    List<Manifest> sorted = new ArrayList<>(manifests);
    sorted.sort(ORDER);
    List<Manifest> covering = new ArrayList<>();
    List<Manifest> redundant = new ArrayList<>();
    List<Manifest> beyond = new ArrayList<>();
    long start = -1;
    long end = from;
    for (Manifest m : sorted) {
      if (!beyond.isEmpty()) {
        beyond.add(m);
      } else if (end < 0) {
        start = m.startOffset;
        end = m.endOffset;
        covering.add(m);
      } else if (m.endOffset <= end) {
        redundant.add(m);
      } else if (m.startOffset <= end) {
        if (start < 0) {
          start = m.startOffset;
        }
        end = m.endOffset;
        covering.add(m);
      } else {
        beyond.add(m);
      }
    }
    return new Covering(start, end, covering, redundant, beyond);
  }

  /** The first offset the covering manifests hold, or -1 when there are none. */
  public long start() {
    return start;
  }

  /** The end of the chain after extending (exclusive): {@code from} when nothing extended it. */
  public long end() {
    return end;
  }

  /** The manifests that extend the chain, in order. */
  public List<Manifest> covering() {
    return covering;
  }

  /** Manifests whose every offset is already covered. */
  public List<Manifest> redundant() {
    return redundant;
  }

  /** Manifests past the first gap: not part of the chain until the gap is filled. */
  public List<Manifest> beyondGap() {
    return beyondGap;
  }
}
