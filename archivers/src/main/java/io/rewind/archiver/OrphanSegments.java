package io.rewind.archiver;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which segments of a partition garbage collection may remove (design, "Garbage collection"): a
 * segment that no manifest names, whose whole range lies below the partition's contiguous frontier
 * (so its offsets are committed by other segments and nobody will write its manifest to fill a
 * gap), and that is older than the grace period (so an archiver that is between writing it and
 * writing its manifest, a zombie included, is never raced). Pure.
 */
public final class OrphanSegments {

  /** A segment file as listed in the store. */
  public record SegmentFile(
      String key, long startOffset, long endOffset, long sizeBytes, long modifiedAtMs) {}

  /** The decision for one partition. */
  public record Plan(
      List<SegmentFile> remove,
      List<SegmentFile> keepTooYoung,
      List<SegmentFile> keepAboveFrontier) {}

  private OrphanSegments() {}

  /**
   * @param referenced keys of segments named by a valid manifest: never removed
   * @param frontier end of the partition's contiguous manifest chain, or -1 when it has none
   */
  public static Plan plan(
      List<SegmentFile> segments, Set<String> referenced, long frontier, long nowMs, long graceMs) {
    List<SegmentFile> remove = new ArrayList<>();
    List<SegmentFile> young = new ArrayList<>();
    List<SegmentFile> above = new ArrayList<>();
    for (SegmentFile s : segments) {
      if (referenced.contains(s.key())) {
        continue;
      }
      if (frontier < 0 || s.endOffset() > frontier) {
        above.add(s);
      } else if (nowMs - s.modifiedAtMs() < graceMs) {
        young.add(s);
      } else {
        remove.add(s);
      }
    }
    return new Plan(remove, young, above);
  }
}
