package io.rewind.restore;

import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.WalEdit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** WAL edits of one row of table ns:t, family f, for the replay tests. */
final class TestEdits {

  private TestEdits() {}

  static WalEdit edit(byte[] row, String region, long seq, Cell... cells) {
    return WalEdit.newBuilder()
        .setTable("ns:t")
        .setRegion(region)
        .setRow(ByteBuffer.wrap(row))
        .setWriteTime(1000 + seq)
        .setSequenceId(seq)
        .setQueue(new QueueId("rs1,16020,1", "rs1%2C16020%2C1"))
        .setCells(List.of(cells))
        .build();
  }

  static Cell put(String qualifier, long ts, String value) {
    return cell(qualifier, ts, CellType.PUT, value);
  }

  static Cell cell(String qualifier, long ts, CellType type, String value) {
    return new Cell(
        ByteBuffer.wrap(bytes("f")),
        ByteBuffer.wrap(bytes(qualifier)),
        ts,
        type,
        ByteBuffer.wrap(bytes(value)));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
