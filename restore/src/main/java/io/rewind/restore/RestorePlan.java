package io.rewind.restore;

import io.rewind.client.store.Manifest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a restore to T reads: per partition, the manifests whose segments can hold edits at or
 * before T, each with the first offset to take from it (overlapping copies are read once).
 */
public final class RestorePlan {

  /** One segment to read, from {@code fromOffset} (inclusive) to its end. */
  public static final class Step {
    private final Manifest manifest;
    private final long fromOffset;

    Step(Manifest manifest, long fromOffset) {
      this.manifest = manifest;
      this.fromOffset = fromOffset;
    }

    public Manifest manifest() {
      return manifest;
    }

    public long fromOffset() {
      return fromOffset;
    }
  }

  private final long time;
  private final Map<Integer, List<Step>> stepsByPartition;

  RestorePlan(long time, Map<Integer, List<Step>> stepsByPartition) {
    this.time = time;
    this.stepsByPartition = new TreeMap<>(stepsByPartition);
  }

  public long time() {
    return time;
  }

  public Map<Integer, List<Step>> stepsByPartition() {
    return stepsByPartition;
  }

  public int segments() {
    return stepsByPartition.values().stream().mapToInt(List::size).sum();
  }

  public long bytes() {
    return steps().mapToLong(s -> s.manifest().sizeBytes).sum();
  }

  /** Records in the planned segments (an upper bound on the edits replayed: some are after T). */
  public long records() {
    return steps().mapToLong(s -> s.manifest().endOffset - s.fromOffset()).sum();
  }

  public TreeSet<String> tables() {
    TreeSet<String> tables = new TreeSet<>();
    steps()
        .forEach(
            s ->
                s.manifest().tables.keySet().stream()
                    .filter(t -> !t.isEmpty())
                    .forEach(tables::add));
    return tables;
  }

  /** The earliest write time in the planned segments, or null when nothing is planned. */
  public Long firstWriteTime() {
    return steps()
        .map(s -> s.manifest().minWriteTime)
        .filter(Objects::nonNull)
        .min(Long::compare)
        .orElse(null);
  }

  /**
   * The latest write time replayed: the planned segments' newest, capped at T; null when nothing is
   * planned.
   */
  public Long lastWriteTime() {
    return steps()
        .map(s -> s.manifest().maxWriteTime)
        .filter(Objects::nonNull)
        .max(Long::compare)
        .map(t -> Math.min(t, time))
        .orElse(null);
  }

  private Stream<Step> steps() {
    return stepsByPartition.values().stream().flatMap(List::stream);
  }
}
