package io.rewind.base;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a retention pass deleted (printed by `rewind retention`, human and --json). */
public final class RetentionReport {
  public long windowStart;
  public String windowStartIso;

  /** Segments with every edit at or before this time were deleted; null when none could be. */
  public String segmentCutoffIso;

  public boolean dryRun;

  /** "table id" of every base deleted. */
  public List<String> basesDeleted = new ArrayList<>();

  /**
   * "table region sequenceId" of every captured bulk load deleted (its files are in a kept base).
   */
  public List<String> bulkLoadsDeleted = new ArrayList<>();

  public long baseFilesDeleted;
  public long baseBytesDeleted;
  public long segmentsDeleted;
  public long segmentBytesDeleted;

  /**
   * What retention would have deleted but a running restore reads (its pin): "table id" of bases,
   * keys of manifests.
   */
  public List<String> keptPinned = new ArrayList<>();

  /** Per table: what it keeps and why. */
  public Map<String, String> tables = new TreeMap<>();
}
