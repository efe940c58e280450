package io.rewind.archiver;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.segment.KeyRing;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * What the compactor ({@code rewind compact}) reads from the shared configuration: {@link #CONFIG}
 * (level windows, settle and grace times, interval, merged segment cap, index page size; tabled in
 * docs/operations.md), the key ring and the lease settings. Levels nest: level 1 merges the level-0
 * segments committed within one minute, level 2 those within one hour, so a partition's history
 * costs two objects (a segment and its manifest) per hour once its hour is over.
 */
public final class CompactionSettings {

  public static final String LEVEL_WINDOWS_MS = "compaction.level.windows.ms";
  public static final String SETTLE_MS = "compaction.settle.ms";
  public static final String GRACE_MS = "compaction.grace.ms";
  public static final String INTERVAL_MS = "compaction.interval.ms";
  public static final String MAX_SEGMENT_BYTES = "compaction.max.segment.bytes";
  public static final String PAGE_ENTRIES = "compaction.index.page.entries";

  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              LEVEL_WINDOWS_MS,
              Type.STRING,
              "60000,3600000",
              new NestedWindows(),
              Importance.MEDIUM,
              "Compaction levels, each window a multiple of the one before: level 1 merges a minute of level-0 segments,"
                  + " level 2 an hour ([archivers.md](archivers.md)).")
          .define(
              SETTLE_MS,
              Type.LONG,
              30_000L,
              Range.atLeast(0),
              Importance.LOW,
              "A window is merged this long after it ends, so that a segment committed late in it is still taken.")
          .define(
              GRACE_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(0),
              Importance.LOW,
              "Merged-away segments are deleted this long after the merged one replaced them, so a reader that read the"
                  + " index just before still finds what it planned.")
          .define(
              INTERVAL_MS,
              Type.LONG,
              10_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "How often the compactor indexes and merges.")
          .define(
              MAX_SEGMENT_BYTES,
              Type.LONG,
              4L << 30,
              Range.atLeast(1),
              Importance.LOW,
              "Cap on a merged segment.")
          .define(
              PAGE_ENTRIES,
              Type.INT,
              256,
              Range.atLeast(2),
              Importance.LOW,
              "Entries per immutable index page.");

  private final long[] windows;
  private final long settleMs;
  private final long graceMs;
  private final long intervalMs;
  private final long maxSegmentBytes;
  private final int pageEntries;
  private final KeyRing keys;
  private final LeaseSettings leases;

  public CompactionSettings(RewindConfig config) {
    AbstractConfig c = config.parse(CONFIG);
    this.windows = windows(c.getString(LEVEL_WINDOWS_MS));
    this.settleMs = c.getLong(SETTLE_MS);
    this.graceMs = c.getLong(GRACE_MS);
    this.intervalMs = c.getLong(INTERVAL_MS);
    this.maxSegmentBytes = c.getLong(MAX_SEGMENT_BYTES);
    this.pageEntries = c.getInt(PAGE_ENTRIES);
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
        throw new IllegalArgumentException(
            "configuration '"
                + LEVEL_WINDOWS_MS
                + "' must list whole numbers of ms, e.g. 60000,3600000; got '"
                + text
                + "'");
      }
      if (w <= 0 || (!parsed.isEmpty() && w % parsed.get(parsed.size() - 1) != 0)) {
        throw new IllegalArgumentException(
            "configuration '"
                + LEVEL_WINDOWS_MS
                + "': each window must be positive and a multiple of the"
                + " one before (levels nest), got '"
                + text
                + "'");
      }
      parsed.add(w);
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException(
          "configuration '"
              + LEVEL_WINDOWS_MS
              + "' must name at least one level, e.g. 60000,3600000");
    }
    return parsed.stream().mapToLong(Long::longValue).toArray();
  }

  /** Refuses level windows that do not nest, with ConfigDef's message naming the key. */
  private static final class NestedWindows implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      try {
        windows((String) value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "comma-separated positive ms, each a multiple of the one before";
    }
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

  /**
   * The key ring: merged segments are read with the key each source names and sealed with the
   * newest.
   */
  public KeyRing keys() {
    return keys;
  }

  /** The lease settings (lease.*): a pass holds the stream's lease. */
  public LeaseSettings leaseSettings() {
    return leases;
  }
}
