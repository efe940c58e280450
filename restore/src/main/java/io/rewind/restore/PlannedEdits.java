package io.rewind.restore;

import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.store.segment.SegmentReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The edits a restore to T replays, counted for the dry run without decoding one: a planned segment
 * that lies wholly inside the replayed window of a table (after the table's base, at or before T)
 * counts that table's records from its manifest; only segments that straddle a bound are read, and
 * of those only each record's timestamp (its WAL write time) and table header.
 */
final class PlannedEdits {

  /** The edits, and how many segments had to be read to count them. */
  record Count(long edits, int segmentsRead) {}

  private final long time;
  private final Set<String> tables;
  private final Map<String, Long> replayAfter;

  /**
   * @param tables the tables restored; empty for all (records without a table header included)
   * @param replayAfter per table restored from a base: its edits at or before this time are in the
   *     base
   */
  PlannedEdits(long time, Set<String> tables, Map<String, Long> replayAfter) {
    this.time = time;
    this.tables = tables;
    this.replayAfter = replayAfter;
  }

  Count count(ObjectStore store, KeyRing key, List<RestorePlan.Step> steps) throws IOException {
    long edits = 0;
    int read = 0;
    for (RestorePlan.Step step : steps) {
      Long fromManifest = fromManifest(step);
      if (fromManifest != null) {
        edits += fromManifest;
      } else {
        edits += fromSegment(store, key, step);
        read++;
      }
    }
    return new Count(edits, read);
  }

  /**
   * The step's edits from its manifest's per-table counts, or null when only reading the segment
   * tells.
   */
  Long fromManifest(RestorePlan.Step step) {
    Manifest m = step.manifest();
    if (step.fromOffset() > m.startOffset || m.minWriteTime == null) {
      return m.minWriteTime == null
          ? 0L
          : null; // a partial read of an overlapping copy, or a segment without edits
    }
    long edits = 0;
    for (Map.Entry<String, Long> t : m.tables.entrySet()) {
      if (!restored(t.getKey())) {
        continue;
      }
      long after = replayAfter.getOrDefault(t.getKey(), Long.MIN_VALUE);
      boolean allIn = m.maxWriteTime <= time && m.minWriteTime > after;
      boolean allOut = m.minWriteTime > time || m.maxWriteTime <= after;
      if (allIn) {
        edits += t.getValue();
      } else if (!allOut) {
        return null;
      }
    }
    return edits;
  }

  private long fromSegment(ObjectStore store, KeyRing key, RestorePlan.Step step)
      throws IOException {
    long edits = 0;
    try (SegmentReader reader = SegmentReader.open(store, step.manifest(), key)) {
      while (reader.hasNext()) {
        ArchivedRecord r = reader.next();
        String table = table(r);
        if (r.getOffset() >= step.fromOffset()
            && r.getTimestamp() <= time
            && restored(table)
            && r.getTimestamp() > replayAfter.getOrDefault(table, Long.MIN_VALUE)) {
          edits++;
        }
      }
    }
    return edits;
  }

  private boolean restored(String table) {
    return tables.isEmpty() || tables.contains(table);
  }

  /** The table header's value, or "" without one (as manifests count such records). */
  private static String table(ArchivedRecord r) {
    String table = RecordFilter.header(r, RecordHeaders.TABLE);
    return table == null ? "" : table;
  }
}
