package io.rewind.archiver;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.util.Arrays;
import java.util.Locale;

/**
 * Named points of the compactor's protocol where a crash leaves a distinct state; crash tests stop
 * the compactor at each (see {@link CompactionHook}).
 */
public enum CompactionPoint {
  /**
   * A merged segment is whole at its final key; its manifest is not written (an orphan if the
   * compactor dies now).
   */
  MERGED_SEGMENT_WRITTEN,
  /** The merged manifest is written; the index head does not name it yet. */
  MERGED_MANIFEST_WRITTEN,
  /** The head names the merged manifest and retires its sources; none of them is deleted yet. */
  HEAD_WRITTEN,
  /** A retired manifest is deleted; its segment is not yet. */
  RETIRED_MANIFEST_DELETED,
  /** An index page is written; the head does not name it yet. */
  PAGE_WRITTEN;

  /** The name used in the test system property: {@code merged-segment-written}... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static CompactionPoint ofLabel(String label) {
    return Arrays.stream(values())
        .filter(p -> p.label().equals(label.trim()))
        .findFirst()
        .orElseThrow(
            () ->
                new RewindException(
                    Kind.REFUSED,
                    "unknown compaction point '"
                        + label
                        + "': use one of "
                        + Arrays.stream(values()).map(CompactionPoint::label).toList()));
  }
}
