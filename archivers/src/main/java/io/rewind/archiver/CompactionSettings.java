package io.rewind.archiver;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.lease.LeaseSettings;
import io.rewind.core.segment.KeyRing;
import java.util.ArrayList;
import java.util.List;

/**
 * What the compactor ({@code rewind compact}) reads from the shared configuration:
 *
 * <ul>
 *   <li>{@value #LEVEL_WINDOWS_MS} (60000,3600000): the window of each level above 0, in ms,
 *       each a multiple of the one before: level 1 merges the level-0 segments committed within one
 *       minute, level 2 those within one hour, so a partition's history costs two objects (a segment
 *       and its manifest) per hour once its hour is over;
 *   <li>{@value #SETTLE_MS} (30000): a window is merged this long after it ends, so that a segment
 *       committed late in it (an archiver's clock behind) is still taken;
 *   <li>{@value #GRACE_MS} (600000): merged-away manifests and segments are deleted this long after
 *       the merged one replaced them in the index, so a reader that read the index just before
 *       still finds what it planned;
 *   <li>{@value #INTERVAL_MS} (10000): how often a running compactor indexes what the archivers
 *       committed and merges the windows that ended: the level-0 manifests a reader must read
 *       beside the index are those of the last interval or so;
 *   <li>{@value #MAX_SEGMENT_BYTES} (4 GiB): a merged segment stops growing past this many bytes;
 *   <li>{@value #PAGE_ENTRIES} (256): finished index entries move from the head into an immutable
 *       page once the head holds this many more of them, so the head stays small.
 * </ul>
 */
public final class CompactionSettings {

  public static final String LEVEL_WINDOWS_MS = "compaction.level.windows.ms";
  public static final String SETTLE_MS = "compaction.settle.ms";
  public static final String GRACE_MS = "compaction.grace.ms";
  public static final String INTERVAL_MS = "compaction.interval.ms";
  public static final String MAX_SEGMENT_BYTES = "compaction.max.segment.bytes";
  public static final String PAGE_ENTRIES = "compaction.index.page.entries";

  private final long[] windows;
  private final long settleMs;
  private final long graceMs;
  private final long intervalMs;
  private final long maxSegmentBytes;
  private final int pageEntries;
  private final KeyRing keys;
  private final LeaseSettings leases;

  public CompactionSettings(RewindConfig config) {
    this.windows = windows(config.getOrDefault(LEVEL_WINDOWS_MS, "60000,3600000"));
    this.settleMs = ArchiverSettings.number(config, SETTLE_MS, 30_000, 0);
    this.graceMs = ArchiverSettings.number(config, GRACE_MS, 600_000, 0);
    this.intervalMs = ArchiverSettings.number(config, INTERVAL_MS, 10_000, 1);
    this.maxSegmentBytes = ArchiverSettings.number(config, MAX_SEGMENT_BYTES, 4L << 30, 1);
    this.pageEntries = (int) ArchiverSettings.number(config, PAGE_ENTRIES, 256, 2);
    this.keys = KeyRing.fromConfig(config);
    this.leases = LeaseSettings.from(config);
  }

  static long[] windows(String text) {
    List<Long> parsed = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      long w;
      try {
        w = Long.parseLong(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("configuration '" + LEVEL_WINDOWS_MS + "' must list whole numbers of ms, e.g. 60000,3600000; got '"
            + text + "'");
      }
      if (w <= 0 || (!parsed.isEmpty() && w % parsed.get(parsed.size() - 1) != 0)) {
        throw new IllegalArgumentException("configuration '" + LEVEL_WINDOWS_MS + "': each window must be positive and a multiple of the"
            + " one before (levels nest), got '" + text + "'");
      }
      parsed.add(w);
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("configuration '" + LEVEL_WINDOWS_MS + "' must name at least one level, e.g. 60000,3600000");
    }
    return parsed.stream().mapToLong(Long::longValue).toArray();
  }

  /** The window of each level, level 1 first. */
  public long[] windows() {
    return windows.clone();
  }

  public long settleMs() {
    return settleMs;
  }

  public long graceMs() {
    return graceMs;
  }

  public long intervalMs() {
    return intervalMs;
  }

  public long maxSegmentBytes() {
    return maxSegmentBytes;
  }

  public int pageEntries() {
    return pageEntries;
  }

  /** The key ring: merged segments are read with the key each source names and sealed with the newest. */
  public KeyRing keys() {
    return keys;
  }

  /** The lease settings (lease.*): a pass holds the stream's lease. */
  public LeaseSettings leaseSettings() {
    return leases;
  }
}
