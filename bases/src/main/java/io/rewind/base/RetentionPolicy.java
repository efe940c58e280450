package io.rewind.base;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.TableBases;
import io.rewind.client.store.Manifest;
import io.rewind.client.time.TimeParser;
import io.rewind.store.point.RestorePoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pure retention: what no restore to a time at or after the window's start W needs. Per table the
 * newest base completed at or before W and every newer base stay; older bases go. A restore from
 * the kept base replays the stream from that base's replay start, so segments whose every edit was
 * written at or before the earliest replay start any table still needs can go — only as a prefix of
 * each partition's chain, never its newest manifest (the archivers resume from there). A captured
 * bulk load is treated like the stream it sits in: one written at or before its table's kept replay
 * start is in the kept base and goes. A table without a base needs the whole stream since it was
 * created (all of it when its creation was not recorded) and every bulk load. Restore points older
 * than the window keep the restore to their time possible as well.
 */
public final class RetentionPolicy {

  private RetentionPolicy() {}

  /**
   * @param manifests per partition, its oldest covering manifests in offset order: all of them, or
   *     at least up to and including the first one holding an edit written after the cutoff
   */
  public static RetentionPlan plan(
      long windowStart,
      Map<String, TableBases> bases,
      Collection<String> knownTables,
      Map<Integer, List<Manifest>> manifests) {
    return plan(windowStart, bases, knownTables, manifests, List.of());
  }

  /**
   * As above, keeping also every restore to a named point older than the window (like WAL-G's
   * permanent backups): per table of the point, the newest base completed at or before its time,
   * and the stream from that base's replay start.
   */
  public static RetentionPlan plan(
      long windowStart,
      Map<String, TableBases> bases,
      Collection<String> knownTables,
      Map<Integer, List<Manifest>> manifests,
      List<RestorePoint> points) {
    return plan(windowStart, bases, knownTables, manifests, points, Map.of(), 0);
  }

  /**
   * As above, knowing when tables without a base were created (their recorded history begins with
   * the master observer's CREATE): the stream before a table existed holds none of its edits, so
   * such a table keeps the stream only from its creation, less {@code clockSkewMs} (the master's
   * clock stamps the creation, the region servers' clocks its edits).
   */
  public static RetentionPlan plan(
      long windowStart,
      Map<String, TableBases> bases,
      Collection<String> knownTables,
      Map<Integer, List<Manifest>> manifests,
      List<RestorePoint> points,
      Map<String, Long> createdAt,
      long clockSkewMs) {
    List<BaseImageManifest> basesToDelete = new ArrayList<>();
    Map<String, String> reasons = new HashMap<>();
    Map<String, Long> bulkLoadCutoffs = new HashMap<>();
    long cutoff = Long.MAX_VALUE;
    TreeSet<String> tables = new TreeSet<>(knownTables);
    tables.addAll(bases.keySet());
    for (String table : tables) {
      TableBases b = bases.get(table);
      if (b == null || b.isEmpty()) {
        Long created = createdAt.get(table);
        if (created == null) {
          cutoff = Long.MIN_VALUE;
          reasons.put(
              table,
              "no base: every segment stays (take one with rewind base --tables " + table + ")");
        } else {
          long from = created - clockSkewMs;
          cutoff = Math.min(cutoff, from);
          reasons.put(
              table,
              "no base, created at "
                  + TimeParser.format(created)
                  + ": the stream from "
                  + TimeParser.format(from)
                  + " stays, and every bulk load (take a base with rewind base --tables "
                  + table
                  + ")");
        }
        continue;
      }
      Optional<BaseImageManifest> anchor = b.servingAt(windowStart);
      BaseImageManifest kept = anchor.orElse(b.all().get(0));
      Map<String, BaseImageManifest> forPoints = new TreeMap<>();
      long replayFrom = kept.replayAfter;
      for (RestorePoint p : points) {
        if (p.time < windowStart && (p.tables.isEmpty() || p.tables.contains(table))) {
          BaseImageManifest serving = b.servingAt(p.time).orElse(b.all().get(0));
          forPoints.put(p.name, serving);
          replayFrom = Math.min(replayFrom, serving.replayAfter);
        }
      }
      for (BaseImageManifest m : b.all()) {
        if (m.completedAt < kept.completedAt && !forPoints.containsValue(m)) {
          basesToDelete.add(m);
        }
      }
      cutoff = Math.min(cutoff, replayFrom);
      bulkLoadCutoffs.put(table, replayFrom);
      String reason =
          anchor.isPresent()
              ? "keeps base "
                  + kept.id
                  + " (completed "
                  + TimeParser.format(kept.completedAt)
                  + ", the newest at or before the window's start)"
                  + " and "
                  + (b.all().size() - 1 - countOlder(b, kept))
                  + " newer"
              : "no base at or before the window's start: keeps every base";
      for (Map.Entry<String, BaseImageManifest> e : forPoints.entrySet()) {
        reason += ", base " + e.getValue().id + " for restore point " + e.getKey();
      }
      reasons.put(table, reason + "; the stream from " + TimeParser.format(replayFrom));
    }
    if (tables.isEmpty()) {
      cutoff = Long.MIN_VALUE;
    }
    Map<Integer, List<Manifest>> manifestsToDelete = new HashMap<>();
    if (cutoff != Long.MIN_VALUE) {
      for (Map.Entry<Integer, List<Manifest>> e : manifests.entrySet()) {
        List<Manifest> sorted = new ArrayList<>(e.getValue());
        sorted.sort(
            Comparator.comparingLong((Manifest m) -> m.startOffset)
                .thenComparingLong(m -> m.endOffset));
        List<Manifest> prefix = new ArrayList<>();
        for (int i = 0; i < sorted.size() - 1; i++) {
          Manifest m = sorted.get(i);
          if (m.maxWriteTime != null && m.maxWriteTime > cutoff) {
            break;
          }
          prefix.add(m);
        }
        if (!prefix.isEmpty()) {
          manifestsToDelete.put(e.getKey(), prefix);
        }
      }
    }
    return new RetentionPlan(
        windowStart, cutoff, basesToDelete, manifestsToDelete, reasons, bulkLoadCutoffs);
  }

  /**
   * The time at or before which a segment's edits no restore in the window needs (Long.MIN_VALUE:
   * keep every segment).
   */
  public static long segmentCutoff(
      long windowStart, Map<String, TableBases> bases, Collection<String> knownTables) {
    return plan(windowStart, bases, knownTables, Map.of()).segmentCutoff;
  }

  private static int countOlder(TableBases b, BaseImageManifest kept) {
    return (int) b.all().stream().filter(m -> m.completedAt < kept.completedAt).count();
  }
}
