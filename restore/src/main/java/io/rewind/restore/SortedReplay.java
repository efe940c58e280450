package io.rewind.restore;

import io.rewind.schemas.Cell;
import io.rewind.schemas.WalEdit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay half of a partition: its kept records in (key, offset) order, key = {@code table 0x00
 * row}, so a row's edits are consecutive and rows come in the order HBase stores them, tables in
 * name order. Each row's edits are decoded, checked (table asked for, written at or before T, after
 * the table's base, key matching the edit's table and row) and replayed with {@link RowReplay} and
 * {@link RowImage} (a single edit of distinct puts is its own row), and the rows are handed to the
 * target in batches of one table, in row order, of about {@link #batchBytes} of edits. Holds one
 * row's edits and one batch of rows, whatever the partition's size.
 */
public final class SortedReplay {

  private static final Logger LOG = LoggerFactory.getLogger(SortedReplay.class);
  private static final long MIN_BATCH_BYTES = 64 * 1024;
  private static final long MAX_BATCH_BYTES = 4L << 20;

  private final EditDecoder decoder;
  private final String topic;
  private final long time;
  private final Set<String> tables;
  private final Map<String, TableTimeline.TableAtTime> tablesAt;
  private final RestoreTarget target;
  private final LongFunction<String> segmentOf;
  private final long batchBytes;

  private byte[] rowKey = new byte[64];
  private int rowKeyLength = -1;
  private final List<WalEdit> rowEdits = new ArrayList<>();
  private String batchTable;
  private List<RestoredRow> batch = new ArrayList<>();
  private long batchFill;

  /** The last table name seen and its UTF-8 bytes, to check keys without encoding it per edit. */
  private String lastTable;

  private byte[] lastTableBytes;

  long editsApplied;
  long duplicatesSkipped;
  long recordsAfterTime;
  long invalidRecords;

  public long editsApplied() {
    return editsApplied;
  }

  public long duplicatesSkipped() {
    return duplicatesSkipped;
  }

  public long recordsAfterTime() {
    return recordsAfterTime;
  }

  public long invalidRecords() {
    return invalidRecords;
  }

  /**
   * @param tables the tables restored; empty for all
   * @param tablesAt per table, what it was at T: its edits written at or before its replay start
   *     are in its base or gone, and the cells of families it did not have then are not replayed
   * @param segmentOf the segment (or bulk-loaded file) an offset was read from, to name an invalid
   *     record
   */
  public SortedReplay(
      EditDecoder decoder,
      String topic,
      long time,
      Set<String> tables,
      Map<String, TableTimeline.TableAtTime> tablesAt,
      RestoreTarget target,
      LongFunction<String> segmentOf,
      long batchBytes) {
    this.decoder = decoder;
    this.topic = topic;
    this.time = time;
    this.tables = tables;
    this.tablesAt = tablesAt;
    this.target = target;
    this.segmentOf = segmentOf;
    this.batchBytes = batchBytes;
  }

  /**
   * Edit bytes per batch of rows for a partition sorted in {@code sortMemoryBytes}: an eighth of
   * it, 64 KiB to 4 MiB. Rows in flight (their objects take a few times their edits' bytes, and a
   * target may hold a few batches) then stay small beside the sort, which bounds the replay's
   * memory; 4 MiB is already enough that writing them is not dominated by per-batch costs.
   */
  public static long batchBytes(long sortMemoryBytes) {
    return Math.max(MIN_BATCH_BYTES, Math.min(MAX_BATCH_BYTES, sortMemoryBytes / 8));
  }

  /** Replays every entry of the cursor and hands the last batch over. */
  public void replay(EntryCursor entries) throws IOException {
    while (entries.next()) {
      if (!sameKey(entries)) {
        endRow();
        startRow(entries);
      }
      WalEdit edit = decode(entries);
      if (edit != null) {
        rowEdits.add(edit);
        editsApplied++;
      }
      batchFill += entries.valueLength();
    }
    endRow();
    flush();
  }

  private boolean sameKey(EntryCursor e) {
    return rowKeyLength == e.keyLength()
        && Arrays.equals(
            rowKey, 0, rowKeyLength, e.buffer(), e.keyOffset(), e.keyOffset() + e.keyLength());
  }

  private void startRow(EntryCursor e) {
    if (e.keyLength() > rowKey.length) {
      rowKey = new byte[Math.max(e.keyLength(), 2 * rowKey.length)];
    }
    System.arraycopy(e.buffer(), e.keyOffset(), rowKey, 0, e.keyLength());
    rowKeyLength = e.keyLength();
  }

  /**
   * The entry's edit when it is replayed; null (counted) when it does not decode or is not to be
   * replayed.
   */
  private WalEdit decode(EntryCursor e) {
    WalEdit edit;
    try {
      edit = decoder.decode(topic, ByteBuffer.wrap(e.buffer(), e.valueOffset(), e.valueLength()));
    } catch (RuntimeException ex) {
      invalidRecords++;
      LOG.warn(
          "{} offset {}: cannot decode the edit ({}); skipped, counted in the report as invalid",
          segmentOf.apply(e.offset()),
          e.offset(),
          ex.getMessage());
      return null;
    }
    if (!tables.isEmpty() && !tables.contains(edit.getTable())) {
      return null;
    }
    if (edit.getWriteTime() > time) {
      recordsAfterTime++;
      return null;
    }
    // Already in the base the table is restored from, or gone with a truncate.
    TableTimeline.TableAtTime at = tablesAt.get(edit.getTable());
    if (at != null && edit.getWriteTime() <= at.replayAfter()) {
      return null;
    }
    if (!keyMatches(edit)) {
      invalidRecords++;
      LOG.warn(
          "{} offset {}: its key is not its edit's table and row ({}); skipped, counted in the report as invalid",
          segmentOf.apply(e.offset()),
          e.offset(),
          edit.getTable());
      return null;
    }
    return at != null && at.filtersCells() ? keptCells(edit, at) : edit;
  }

  /**
   * The edit with only the cells of families the table had at T (and not added again since the
   * edit); null when none is left.
   */
  private static WalEdit keptCells(WalEdit edit, TableTimeline.TableAtTime at) {
    List<Cell> kept = new ArrayList<>(edit.getCells().size());
    for (Cell c : edit.getCells()) {
      if (at.keepsCell(
          StandardCharsets.UTF_8.decode(c.getFamily().duplicate()).toString(),
          edit.getWriteTime())) {
        kept.add(c);
      }
    }
    if (kept.size() == edit.getCells().size()) {
      return edit;
    }
    return kept.isEmpty() ? null : WalEdit.newBuilder(edit).setCells(kept).build();
  }

  /**
   * Whether the row's key is {@code table 0x00 row} of the edit: rows are grouped by key, so an
   * edit must be under its own.
   */
  private boolean keyMatches(WalEdit edit) {
    String table = edit.getTable();
    if (!table.equals(lastTable)) {
      lastTable = table;
      lastTableBytes = table.getBytes(StandardCharsets.UTF_8);
    }
    int t = lastTableBytes.length;
    ByteBuffer row = edit.getRow();
    if (rowKeyLength != t + 1 + row.remaining()
        || rowKey[t] != 0
        || !Arrays.equals(rowKey, 0, t, lastTableBytes, 0, t)) {
      return false;
    }
    ByteBuffer key = ByteBuffer.wrap(rowKey, t + 1, row.remaining());
    return key.equals(row);
  }

  private void endRow() throws IOException {
    if (rowEdits.isEmpty()) {
      return;
    }
    WalEdit first = rowEdits.get(0);
    String table = first.getTable();
    byte[] row = RowImage.bytes(first.getRow());
    RestoredRow restored =
        rowEdits.size() == 1 ? RowImage.ofDistinctPuts(row, first.getCells()) : null;
    if (restored == null) {
      RowImage image = new RowImage(row);
      int duplicates = RowReplay.replay(rowEdits, image);
      duplicatesSkipped += duplicates;
      editsApplied -= duplicates;
      restored = image.toRestoredRow();
    }
    rowEdits.clear();
    if (!table.equals(batchTable)) {
      flush();
      batchTable = table;
    }
    batch.add(restored);
    if (batchFill >= batchBytes) {
      flush();
    }
  }

  private void flush() throws IOException {
    if (!batch.isEmpty()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("restore interrupted while replaying");
      }
      target.acceptRows(batchTable, batch);
      batch = new ArrayList<>();
    }
    batchFill = 0;
  }
}
