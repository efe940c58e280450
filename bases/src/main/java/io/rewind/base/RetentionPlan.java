package io.rewind.base;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.store.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a retention pass deletes, and why the rest stays. */
public final class RetentionPlan {

  /** Restores to any time at or after this stay possible. */
  public final long windowStart;

  /**
   * Segments holding only edits written at or before this time are deleted (Long.MIN_VALUE: none).
   */
  public final long segmentCutoff;

  public final List<BaseImageManifest> basesToDelete;
  public final Map<Integer, List<Manifest>> manifestsToDelete;

  /** Per table: what it keeps and why, for the report. */
  public final Map<String, String> reasons;

  /**
   * Per table restored from a kept base: captured bulk loads written at or before this time are in
   * that base (its snapshot was requested after them) and go; tables not named keep every one.
   */
  public final Map<String, Long> bulkLoadCutoffs;

  RetentionPlan(
      long windowStart,
      long segmentCutoff,
      List<BaseImageManifest> basesToDelete,
      Map<Integer, List<Manifest>> manifestsToDelete,
      Map<String, String> reasons,
      Map<String, Long> bulkLoadCutoffs) {
    this.windowStart = windowStart;
    this.segmentCutoff = segmentCutoff;
    this.basesToDelete = List.copyOf(basesToDelete);
    this.manifestsToDelete = new TreeMap<>(manifestsToDelete);
    this.reasons = new TreeMap<>(reasons);
    this.bulkLoadCutoffs = new TreeMap<>(bulkLoadCutoffs);
  }

  public List<Manifest> allManifestsToDelete() {
    List<Manifest> all = new ArrayList<>();
    manifestsToDelete.values().forEach(all::addAll);
    return all;
  }
}
