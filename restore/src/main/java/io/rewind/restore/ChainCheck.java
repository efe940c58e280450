package io.rewind.restore;

import io.rewind.client.store.Manifest;
import io.rewind.store.catalog.Covering;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure: the holes in a partition's committed chain. Manifests may overlap (a zombie's copies, the
 * finer segments a compaction merged); a hole is a range of offsets no manifest covers between two
 * that do. Each is named by its offsets and by the write times around it: the newest edit before it
 * and the oldest after, between which that partition's edits may be missing.
 */
public final class ChainCheck {

  private ChainCheck() {}

  /** A hole [fromOffset, toOffset) of one partition. */
  public record Gap(
      int partition,
      long fromOffset,
      long toOffset,
      Long newestWriteTimeBefore,
      Long oldestWriteTimeAfter) {}

  /** The holes among {@code manifests} (any order) of one partition, in offset order. */
  public static List<Gap> gaps(int partition, List<Manifest> manifests) {
    List<Manifest> sorted = new ArrayList<>(manifests);
    sorted.sort(Covering.ORDER);
    List<Gap> gaps = new ArrayList<>();
    long end = -1;
    Long newestBefore = null;
    for (Manifest m : sorted) {
      if (end >= 0 && m.startOffset > end) {
        gaps.add(new Gap(partition, end, m.startOffset, newestBefore, m.minWriteTime));
      }
      if (m.endOffset > end) {
        end = m.endOffset;
      }
      if (m.maxWriteTime != null && (newestBefore == null || m.maxWriteTime > newestBefore)) {
        newestBefore = m.maxWriteTime;
      }
    }
    return gaps;
  }
}
