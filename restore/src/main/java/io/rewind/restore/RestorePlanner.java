package io.rewind.restore;

import io.rewind.client.store.Manifest;
import io.rewind.store.catalog.Covering;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pure planning: which segments a restore to T reads. */
public final class RestorePlanner {

  private RestorePlanner() {}

  /**
   * @param manifestsByPartition every committed manifest per partition
   * @param time T, inclusive
   */
  public static RestorePlan plan(Map<Integer, List<Manifest>> manifestsByPartition, long time) {
    return plan(manifestsByPartition, time, Long.MIN_VALUE);
  }

  /**
   * @param replayAfter edits written at or before it are not replayed (every restored table is
   *     served by a base that holds them): segments holding only such edits are left out
   */
  public static RestorePlan plan(
      Map<Integer, List<Manifest>> manifestsByPartition, long time, long replayAfter) {
    Map<Integer, List<RestorePlan.Step>> steps = new LinkedHashMap<>();
    manifestsByPartition.forEach(
        (partition, manifests) -> {
          List<Manifest> sorted = new ArrayList<>(manifests);
          sorted.sort(Covering.ORDER);
          List<RestorePlan.Step> partitionSteps = new ArrayList<>();
          long covered = Long.MIN_VALUE;
          for (Manifest m : sorted) {
            if (m.endOffset <= covered) {
              continue; // a redundant copy (zombie archiver): every offset already planned
            }
            long from = Math.max(m.startOffset, covered);
            covered = m.endOffset;
            // A segment holding only edits after T, or only edits in the bases, is not needed; one
            // without edits neither.
            if (m.minWriteTime != null && m.minWriteTime <= time && m.maxWriteTime > replayAfter) {
              partitionSteps.add(new RestorePlan.Step(m, from));
            }
          }
          if (!partitionSteps.isEmpty()) {
            steps.put(partition, partitionSteps);
          }
        });
    return new RestorePlan(time, steps);
  }
}
