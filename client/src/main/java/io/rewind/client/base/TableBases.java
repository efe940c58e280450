package io.rewind.client.base;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The committed bases of one table, oldest first: which one serves a restore, and how far back. */
public final class TableBases {

  private final String table;
  private final List<BaseImageManifest> bases;

  public TableBases(String table, List<BaseImageManifest> bases) {
    this.table = table;
    List<BaseImageManifest> sorted = new ArrayList<>(bases);
    sorted.sort(
        Comparator.comparingLong((BaseImageManifest b) -> b.completedAt).thenComparing(b -> b.id));
    this.bases = List.copyOf(sorted);
  }

  public String table() {
    return table;
  }

  public List<BaseImageManifest> all() {
    return bases;
  }

  public boolean isEmpty() {
    return bases.isEmpty();
  }

  /** The newest base completed at or before T: the one a restore to T loads. */
  public Optional<BaseImageManifest> servingAt(long t) {
    BaseImageManifest serving = null;
    for (BaseImageManifest b : bases) {
      if (b.completedAt <= t) {
        serving = b;
      }
    }
    return Optional.ofNullable(serving);
  }

  /** The oldest base's completion: the earliest time a base can serve; empty without bases. */
  public OptionalLong earliest() {
    return bases.isEmpty() ? OptionalLong.empty() : OptionalLong.of(bases.get(0).completedAt);
  }
}
