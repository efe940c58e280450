package io.rewind.restore;

import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.BulkLoad;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which archived records of a planned segment a restore replays, before any is decoded: those in
 * the step's range, written at or before T (the record's timestamp is its edit's write time), of a
 * table asked for (its table header) and after the table's replay start. Both engines scan with it:
 * the local {@code PartitionReplayer} and the MapReduce job's record reader.
 *
 * <p>A bulk-load record within a restored table's replayed range must name a load the restore
 * replays from its commit in the store (the endpoint writes the commit before it publishes the
 * record): one that does not fails the restore, naming the commit.
 */
public final class RecordFilter {

  private static final Logger LOG = LoggerFactory.getLogger(RecordFilter.class);

  /** What becomes of a record. */
  public enum Verdict {
    /** An edit to sort and replay. */
    KEEP,
    /** Before the step's first offset, or of a table or time not replayed. */
    SKIP,
    /** Written after T: counted in the report. */
    AFTER_TIME,
    /** A bulk-load record: its cells come from its commit in the store. */
    BULK_LOAD,
    /**
     * Not an edit (no value) or a bulk-load record that does not decode: counted as invalid,
     * logged.
     */
    INVALID
  }

  private final long time;
  private final Set<String> tables;
  private final Map<String, TableTimeline.TableAtTime> tablesAt;
  private final Set<String> bulkLoadsPlanned;
  private final Deserializer<BulkLoad> bulkLoadDecoder;
  private final boolean filterTables;
  private final boolean filterBases;

  /**
   * @param tables the tables asked for; empty for all
   * @param tablesAt per table, what it was at T
   * @param bulkLoadsPlanned commit keys of the bulk loads the restore replays
   * @param bulkLoadDecoder decodes bulk-load records; null to leave them unchecked
   */
  public RecordFilter(
      long time,
      Set<String> tables,
      Map<String, TableTimeline.TableAtTime> tablesAt,
      Set<String> bulkLoadsPlanned,
      Deserializer<BulkLoad> bulkLoadDecoder) {
    this.time = time;
    this.tables = tables;
    this.tablesAt = tablesAt;
    this.bulkLoadsPlanned = bulkLoadsPlanned;
    this.bulkLoadDecoder = bulkLoadDecoder;
    this.filterTables = !tables.isEmpty();
    this.filterBases = tablesAt.values().stream().anyMatch(a -> a.replayAfter() != Long.MIN_VALUE);
  }

  /**
   * @param segment the segment's path, to name it
   * @throws IOException a bulk-load record of a replayed table whose commit the restore does not
   *     replay
   */
  public Verdict classify(String segment, long fromOffset, ArchivedRecord record)
      throws IOException {
    if (record.getOffset() < fromOffset) {
      return Verdict.SKIP;
    }
    if (record.getTimestamp() > time) {
      return Verdict.AFTER_TIME;
    }
    // The table header and the timestamp are checked again once the edit is decoded; here they
    // spare
    // the sort the records not replayed.
    String table = filterTables || filterBases ? header(record, RecordHeaders.TABLE) : null;
    if (filterTables && table != null && !tables.contains(table)) {
      return Verdict.SKIP;
    }
    TableTimeline.TableAtTime at = table == null ? null : tablesAt.get(table);
    if (at != null && record.getTimestamp() <= at.replayAfter()) {
      return Verdict.SKIP;
    }
    if (RecordHeaders.KIND_BULK_LOAD.equals(header(record, RecordHeaders.KIND))) {
      return checkPlanned(segment, record) ? Verdict.BULK_LOAD : Verdict.INVALID;
    }
    if (record.getValue() == null) {
      LOG.warn(
          "{} offset {}: record without a value, not an edit; skipped (it was also sent to the dead-letter topic when archived)",
          segment,
          record.getOffset());
      return Verdict.INVALID;
    }
    return Verdict.KEEP;
  }

  /** False when the record does not decode (logged). */
  private boolean checkPlanned(String segment, ArchivedRecord record) throws IOException {
    if (record.getValue() == null || bulkLoadDecoder == null) {
      return true;
    }
    BulkLoad load;
    try {
      byte[] value = new byte[record.getValue().remaining()];
      record.getValue().duplicate().get(value);
      load = bulkLoadDecoder.deserialize(RecordHeaders.KIND_BULK_LOAD, value);
    } catch (RuntimeException e) {
      LOG.warn(
          "{} offset {}: a bulk-load record that does not decode ({}); counted as invalid",
          segment,
          record.getOffset(),
          e.getMessage());
      return false;
    }
    TableTimeline.TableAtTime at = tablesAt.get(load.getTable());
    boolean replayed =
        (tables.isEmpty() || tables.contains(load.getTable()))
            && at != null
            && at.exists()
            && load.getWriteTime() > at.replayAfter();
    if (replayed && !bulkLoadsPlanned.contains(load.getCommitKey())) {
      throw new IOException(
          segment
              + " offset "
              + record.getOffset()
              + " records a bulk load into "
              + load.getTable()
              + " (region "
              + load.getRegion()
              + ", "
              + load.getFiles().size()
              + " files) whose commit "
              + load.getCommitKey()
              + " is not in the store: its cells cannot be restored. Restore to a time before "
              + TimeParser.format(load.getWriteTime())
              + ", or take a base of "
              + load.getTable()
              + " (rewind base) and restore to a time after it");
    }
    return true;
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
