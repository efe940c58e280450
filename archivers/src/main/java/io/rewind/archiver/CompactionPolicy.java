package io.rewind.archiver;

import io.rewind.client.store.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Pure: which of a partition's covering manifests to merge, and into which level. A level-k window
 * is a span of {@code windows[k-1]} ms of the level-0 segments' commit times; once it has ended
 * (plus the settle time), the consecutive segments of finer levels committed within it are merged
 * into one level-k segment. Levels are tried from the top, so history that is already old goes to
 * its final level in one rewrite. A run never spans a gap or an overlap in offsets (a zombie's
 * copy), never mixes encryption keys, and stops growing at the size cap; a lone segment is left as
 * it is.
 */
final class CompactionPolicy {

  /** Sources to merge, consecutive in offset order, into one segment of {@code level}. */
  record Run(int level, List<Manifest> sources) {
    long bytes() {
      return sources.stream().mapToLong(m -> m.sizeBytes).sum();
    }
  }

  private final long[] windows;
  private final long settleMs;
  private final long maxBytes;
  private final Set<String> keyIds;

  /**
   * @param keyIds the ids of the keys the compactor's key ring holds: encrypted segments are merged
   *     only with a key that opens them
   */
  CompactionPolicy(long[] windows, long settleMs, long maxBytes, Set<String> keyIds) {
    this.windows = windows.clone();
    this.settleMs = settleMs;
    this.maxBytes = maxBytes;
    this.keyIds = Set.copyOf(keyIds);
  }

  static CompactionPolicy of(CompactionSettings settings) {
    return new CompactionPolicy(
        settings.windows(),
        settings.settleMs(),
        settings.maxSegmentBytes(),
        Set.copyOf(settings.keys().ids()));
  }

  /** The runs to merge now among {@code entries} (covering, in offset order). */
  List<Run> runs(List<Manifest> entries, long now) {
    List<Run> runs = new ArrayList<>();
    boolean[] taken = new boolean[entries.size()];
    for (int level = windows.length; level >= 1; level--) {
      int i = 0;
      while (i < entries.size()) {
        if (!candidate(entries.get(i), taken[i], level, now)) {
          i++;
          continue;
        }
        long window = window(entries.get(i), level);
        long bytes = entries.get(i).sizeBytes;
        int j = i + 1;
        while (j < entries.size()
            && !taken[j]
            && candidate(entries.get(j), false, level, now)
            && window(entries.get(j), level) == window
            && entries.get(j).startOffset == entries.get(j - 1).endOffset
            && Objects.equals(entries.get(j).keyId, entries.get(i).keyId)
            && bytes + entries.get(j).sizeBytes <= maxBytes) {
          bytes += entries.get(j).sizeBytes;
          j++;
        }
        if (j - i >= 2) {
          runs.add(new Run(level, List.copyOf(entries.subList(i, j))));
          for (int t = i; t < j; t++) {
            taken[t] = true;
          }
        }
        i = j;
      }
    }
    runs.sort(
        (a, b) -> Long.compare(a.sources().get(0).startOffset, b.sources().get(0).startOffset));
    return runs;
  }

  private boolean candidate(Manifest m, boolean taken, int level, long now) {
    return !taken
        && m.level() < level
        && (m.keyId == null || keyIds.contains(m.keyId))
        && ended(window(m, level), level, now);
  }

  /**
   * The level's window a manifest falls in: its oldest level-0 segment's commit time over the
   * window.
   */
  long window(Manifest m, int level) {
    return Math.floorDiv(m.archivedFrom(), windows[level - 1]);
  }

  private boolean ended(long window, int level, long now) {
    return (window + 1) * windows[level - 1] + settleMs <= now;
  }

  /**
   * How many entries at the front no later pass will merge (their top-level window has ended):
   * those may move from the index head into a page.
   */
  int finishedPrefix(List<Manifest> entries, long now) {
    int n = 0;
    for (Manifest m : entries) {
      if (m.level() < windows.length && !ended(window(m, windows.length), windows.length, now)) {
        break;
      }
      n++;
    }
    return n;
  }
}
