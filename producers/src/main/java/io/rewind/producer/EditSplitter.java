package io.rewind.producer;

import io.rewind.schemas.Cell;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.WalEdit;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a WAL entry into the records of the edits topic: one {@link WalEdit} per row, and a row
 * too large for one record into several parts (same key, {@code part}/{@code parts} set), each part
 * holding whole cells. Sizes are estimated from above, so a part always fits.
 */
public final class EditSplitter {

  /** Room left in every record for the key, headers, batch framing and a registry's id prefix. */
  public static final int RECORD_HEADROOM_BYTES = 64 * 1024;

  // Avro varints of a long/int plus the enum index, the field lengths and the block counts of a
  // cell.
  private static final int CELL_OVERHEAD_BYTES = 40;
  // Single-object header, writeTime, sequenceId, part, parts, array block framing.
  private static final int EDIT_OVERHEAD_BYTES = 64;

  private final long maxPayloadBytes;

  /**
   * @param maxRecordBytes the edits topic's max.message.bytes (or lower, for tests)
   */
  public EditSplitter(int maxRecordBytes) {
    if (maxRecordBytes <= RECORD_HEADROOM_BYTES) {
      throw new IllegalArgumentException(
          "max record bytes must exceed the "
              + RECORD_HEADROOM_BYTES
              + "-byte headroom, got "
              + maxRecordBytes);
    }
    this.maxPayloadBytes = (long) maxRecordBytes - RECORD_HEADROOM_BYTES;
  }

  /**
   * The records of one entry, rows in the order they first appear, each row's cells in entry order.
   */
  public List<WalEdit> split(WalEntry entry) {
    Map<ByteBuffer, List<WalCell>> rows = new LinkedHashMap<>();
    for (WalCell c : entry.cells()) {
      rows.computeIfAbsent(ByteBuffer.wrap(c.row()), r -> new ArrayList<>()).add(c);
    }
    List<WalEdit> edits = new ArrayList<>();
    for (Map.Entry<ByteBuffer, List<WalCell>> row : rows.entrySet()) {
      edits.addAll(splitRow(entry, row.getValue().get(0).row(), row.getValue()));
    }
    return edits;
  }

  private List<WalEdit> splitRow(WalEntry entry, byte[] row, List<WalCell> cells) {
    long base =
        EDIT_OVERHEAD_BYTES
            + utf8Length(entry.table())
            + utf8Length(entry.encodedRegion())
            + row.length
            + utf8Length(entry.queue().getServer())
            + utf8Length(entry.queue().getWalGroup())
            + 20;
    List<List<Cell>> parts = new ArrayList<>();
    List<Cell> current = new ArrayList<>();
    long size = base;
    for (WalCell c : cells) {
      long cellBytes = cellBytes(c);
      if (base + cellBytes > maxPayloadBytes) {
        throw new OversizedCellException(
            "a cell of "
                + cellBytes
                + " bytes in row of table "
                + entry.table()
                + " (region "
                + entry.encodedRegion()
                + ", sequence id "
                + entry.sequenceId()
                + ") exceeds the edits topic's record limit of "
                + (maxPayloadBytes + RECORD_HEADROOM_BYTES)
                + " bytes: raise max.message.bytes on the edits topic"
                + " and the producer's max.request.size, or keep cells below that size");
      }
      if (!current.isEmpty() && size + cellBytes > maxPayloadBytes) {
        parts.add(current);
        current = new ArrayList<>();
        size = base;
      }
      current.add(toAvro(c));
      size += cellBytes;
    }
    parts.add(current);
    List<WalEdit> edits = new ArrayList<>(parts.size());
    // All-args constructors, not builders: a builder validates and deep-copies every field, and
    // this
    // runs for every edit a region server ships. The records are only serialized, never changed.
    QueueId queue = entry.queue();
    for (int i = 0; i < parts.size(); i++) {
      edits.add(
          new WalEdit(
              entry.table(),
              entry.encodedRegion(),
              ByteBuffer.wrap(row),
              entry.writeTime(),
              entry.sequenceId(),
              queue,
              parts.get(i),
              i,
              parts.size()));
    }
    return edits;
  }

  static long cellBytes(WalCell c) {
    return CELL_OVERHEAD_BYTES + (long) c.family().length + c.qualifier().length + c.value().length;
  }

  private static Cell toAvro(WalCell c) {
    return new Cell(
        ByteBuffer.wrap(c.family()),
        ByteBuffer.wrap(c.qualifier()),
        c.timestamp(),
        c.type(),
        ByteBuffer.wrap(c.value()));
  }

  /** The UTF-8 length, counted without encoding (this runs for every edit shipped). */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++; // an unpaired surrogate is encoded as '?'
      } else {
        n += 3;
      }
    }
    return n;
  }
}
