package io.rewind.restore;

import io.rewind.core.kafka.RecordHeaders;
import io.rewind.core.segment.SegmentKey;
import io.rewind.core.segment.SegmentReader;
import io.rewind.core.store.ObjectStore;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.WalEdit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one partition's planned segments. Every edit of a row lives in one partition (the key is
 * table + row), so a partition's rows are complete and partitions replay independently.
 */
final class PartitionReplayer {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionReplayer.class);

  private final ObjectStore store;
  private final EditDecoder decoder;
  private final long time;
  private final Set<String> tables;
  private final RestoreTarget target;
  private final SegmentKey segmentKey;
  private final RestoreProgress progress;
  /** Per table restored from a base: its edits written at or before this time are in the base. */
  private Map<String, Long> replayAfter = Map.of();

  long editsApplied;
  long duplicatesSkipped;
  long recordsAfterTime;
  long invalidRecords;

  PartitionReplayer(
      ObjectStore store, Deserializer<WalEdit> decoder, long time, Set<String> tables, RestoreTarget target, SegmentKey segmentKey,
      RestoreProgress progress) {
    this.store = store;
    this.decoder = new EditDecoder(decoder);
    this.time = time;
    this.tables = tables;
    this.target = target;
    this.segmentKey = segmentKey;
    this.progress = progress;
  }

  PartitionReplayer withReplayAfter(Map<String, Long> replayAfter) {
    this.replayAfter = replayAfter;
    return this;
  }

  void replay(List<RestorePlan.Step> steps, String topic) throws IOException {
    Map<String, List<PendingEdit>> editsByTable = new HashMap<>();
    for (RestorePlan.Step step : steps) {
      try (SegmentReader reader = SegmentReader.open(store, step.manifest(), segmentKey)) {
        while (reader.hasNext()) {
          ArchivedRecord record = reader.next();
          progress.recordRead();
          if (record.getOffset() < step.fromOffset()) {
            continue;
          }
          if (record.getTimestamp() > time) {
            recordsAfterTime++;
            continue;
          }
          if (!tables.isEmpty()) {
            String table = header(record, RecordHeaders.TABLE);
            if (table != null && !tables.contains(table)) {
              continue;
            }
          }
          WalEdit edit = decode(record, step, topic);
          if (edit == null || (!tables.isEmpty() && !tables.contains(edit.getTable()))) {
            continue;
          }
          if (edit.getWriteTime() > time) {
            recordsAfterTime++;
            continue;
          }
          // Already in the base the table is restored from.
          Long inBase = replayAfter.get(edit.getTable());
          if (inBase != null && edit.getWriteTime() <= inBase) {
            continue;
          }
          editsByTable.computeIfAbsent(edit.getTable(), t -> new ArrayList<>()).add(new PendingEdit(RowImage.bytes(edit.getRow()), edit));
          editsApplied++;
        }
      }
      progress.segmentRead(step.manifest().sizeBytes);
    }
    for (Map.Entry<String, List<PendingEdit>> table : editsByTable.entrySet()) {
      target.acceptRows(table.getKey(), replayRows(table.getValue()));
    }
  }

  /**
   * Groups a table's edits by row by sorting them (stable, so a row's edits keep their log order),
   * which also hands the rows over in the order HBase stores them; each row's edits are dropped
   * once replayed, so a partition's edits and rows are not all held at once.
   */
  private List<RestoredRow> replayRows(List<PendingEdit> pending) {
    pending.sort(PendingEdit.BY_ROW);
    List<RestoredRow> rows = new ArrayList<>();
    List<WalEdit> rowEdits = new ArrayList<>();
    for (int i = 0; i < pending.size(); ) {
      rowEdits.clear();
      PendingEdit first = pending.get(i);
      for (; i < pending.size() && PendingEdit.BY_ROW.compare(pending.get(i), first) == 0; i++) {
        rowEdits.add(pending.get(i).edit());
        pending.set(i, null);
      }
      byte[] row = first.row();
      RestoredRow puts = rowEdits.size() == 1 ? RowImage.ofDistinctPuts(row, rowEdits.get(0).getCells()) : null;
      if (puts != null) {
        rows.add(puts);
        continue;
      }
      RowImage image = new RowImage(row);
      int duplicates = RowReplay.replay(rowEdits, image);
      duplicatesSkipped += duplicates;
      editsApplied -= duplicates;
      rows.add(image.toRestoredRow());
    }
    return rows;
  }

  /**
   * An edit waiting for its row's turn, with the row's bytes taken out once for sorting, their first
   * eight as an unsigned number and their length: comparing rows of up to eight bytes (and most
   * longer ones) ends there, without touching the arrays.
   */
  record PendingEdit(byte[] row, long prefix, int length, WalEdit edit) {
    static final Comparator<PendingEdit> BY_ROW = (a, b) -> {
      int c = Long.compareUnsigned(a.prefix, b.prefix);
      if (c != 0) {
        return c;
      }
      return a.length <= 8 && b.length <= 8 ? Integer.compare(a.length, b.length) : Bytes.compareTo(a.row, b.row);
    };

    PendingEdit(byte[] row, WalEdit edit) {
      this(row, prefix(row), row.length, edit);
    }

    /** The row's first eight bytes, big-endian, zero-padded: ordered as the rows are, unsigned. */
    static long prefix(byte[] row) {
      long p = 0;
      for (int i = 0; i < 8; i++) {
        p = (p << 8) | (i < row.length ? row[i] & 0xff : 0);
      }
      return p;
    }
  }

  private WalEdit decode(ArchivedRecord record, RestorePlan.Step step, String topic) {
    ByteBuffer value = record.getValue();
    if (value == null) {
      invalidRecords++;
      LOG.warn("{} offset {}: record without a value, not an edit; skipped (it was also sent to the dead-letter topic when archived)",
          step.manifest().segmentPath, record.getOffset());
      return null;
    }
    try {
      return decoder.decode(topic, value);
    } catch (RuntimeException e) {
      invalidRecords++;
      LOG.warn("{} offset {}: cannot decode the edit ({}); skipped, counted in the report as invalid",
          step.manifest().segmentPath, record.getOffset(), e.getMessage());
      return null;
    }
  }

  /** The value of the record's first header named {@code key}, or null without one. */
  static String header(ArchivedRecord record, String key) {
    for (ArchivedHeader h : record.getHeaders()) {
      if (h.getKey().equals(key) && h.getValue() != null) {
        ByteBuffer v = h.getValue().duplicate();
        byte[] b = new byte[v.remaining()];
        v.get(b);
        return new String(b, StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
