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
  private final Deserializer<WalEdit> decoder;
  private final long time;
  private final Set<String> tables;
  private final RestoreTarget target;
  private final SegmentKey segmentKey;
  private final RestoreProgress progress;

  long editsApplied;
  long duplicatesSkipped;
  long recordsAfterTime;
  long invalidRecords;

  PartitionReplayer(
      ObjectStore store, Deserializer<WalEdit> decoder, long time, Set<String> tables, RestoreTarget target, SegmentKey segmentKey,
      RestoreProgress progress) {
    this.store = store;
    this.decoder = decoder;
    this.time = time;
    this.tables = tables;
    this.target = target;
    this.segmentKey = segmentKey;
    this.progress = progress;
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
          String table = header(record, RecordHeaders.TABLE);
          if (table != null && !tables.isEmpty() && !tables.contains(table)) {
            continue;
          }
          WalEdit edit = decode(record, step, topic);
          if (edit == null || (!tables.isEmpty() && !tables.contains(edit.getTable()))) {
            continue;
          }
          if (edit.getWriteTime() > time) {
            recordsAfterTime++;
            continue;
          }
          rowsByTable
              .computeIfAbsent(edit.getTable(), t -> new HashMap<>())
              .computeIfAbsent(edit.getRow(), r -> new ArrayList<>())
              .add(edit);
          editsApplied++;
        }
      }
      progress.segmentRead(step.manifest().sizeBytes);
    }
    for (Map.Entry<String, Map<ByteBuffer, List<WalEdit>>> table : rowsByTable.entrySet()) {
      for (Map.Entry<ByteBuffer, List<WalEdit>> row : table.getValue().entrySet()) {
        ByteBuffer r = row.getKey().duplicate();
        byte[] rowBytes = new byte[r.remaining()];
        r.get(rowBytes);
        RowImage image = new RowImage(rowBytes);
        int duplicates = RowReplay.replay(row.getValue(), image);
        duplicatesSkipped += duplicates;
        editsApplied -= duplicates;
        target.acceptRow(table.getKey(), image.toRestoredRow());
      }
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
    byte[] bytes = new byte[value.remaining()];
    value.duplicate().get(bytes);
    try {
      return decoder.deserialize(topic, bytes);
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
