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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    Map<String, Map<ByteBuffer, List<WalEdit>>> rowsByTable = new HashMap<>();
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
          rowsByTable
              .computeIfAbsent(edit.getTable(), t -> new HashMap<>())
              .computeIfAbsent(edit.getRow(), r -> new ArrayList<>(2))
              .add(edit);
          editsApplied++;
        }
      }
      progress.segmentRead(step.manifest().sizeBytes);
    }
    for (Map.Entry<String, Map<ByteBuffer, List<WalEdit>>> table : rowsByTable.entrySet()) {
      List<RestoredRow> rows = new ArrayList<>(table.getValue().size());
      // Each row's edits are dropped once replayed: a partition's edits and rows are not all held at once.
      for (Iterator<Map.Entry<ByteBuffer, List<WalEdit>>> it = table.getValue().entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<ByteBuffer, List<WalEdit>> row = it.next();
        RowImage image = new RowImage(RowImage.bytes(row.getKey()));
        int duplicates = RowReplay.replay(row.getValue(), image);
        duplicatesSkipped += duplicates;
        editsApplied -= duplicates;
        rows.add(image.toRestoredRow());
        it.remove();
      }
      target.acceptRows(table.getKey(), rows);
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

  private static String header(ArchivedRecord record, String key) {
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
