package io.rewind.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.kafka.Topics;
import io.rewind.schemas.Cell;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EditSplitterTest {

  private static final QueueId QUEUE =
      QueueId.newBuilder().setServer("rs1,16020,1").setWalGroup("rs1%2C16020%2C1").build();
  private static final RecordCodec<WalEdit> CODEC = new RecordCodec<>(WalEdit.class);

  @Test
  void splitsAnEntryPerRowKeepingCellOrder() {
    WalEntry entry =
        new WalEntry(
            "ns:t",
            "reg",
            1000,
            42,
            QUEUE,
            List.of(
                WalCell.put(b("r2"), b("f"), b("a"), 1000, b("1")),
                WalCell.put(b("r1"), b("f"), b("a"), 1000, b("2")),
                WalCell.deleteFamily(b("r2"), b("g"), 999)));

    List<WalEdit> edits = new EditSplitter(Topics.EDITS_MAX_MESSAGE_BYTES).split(entry);

    assertThat(edits).hasSize(2);
    WalEdit first = edits.get(0);
    assertThat(bytes(first.getRow())).isEqualTo(b("r2"));
    assertThat(first.getCells()).extracting(Cell::getTimestamp).containsExactly(1000L, 999L);
    assertThat(first.getTable()).isEqualTo("ns:t");
    assertThat(first.getRegion()).isEqualTo("reg");
    assertThat(first.getWriteTime()).isEqualTo(1000);
    assertThat(first.getSequenceId()).isEqualTo(42);
    assertThat(first.getQueue()).isEqualTo(QUEUE);
    assertThat(first.getPart()).isZero();
    assertThat(first.getParts()).isEqualTo(1);
    assertThat(bytes(edits.get(1).getRow())).isEqualTo(b("r1"));
  }

  @Test
  void splitsALargeRowIntoPartsThatEachFit() {
    int limit = 256 * 1024;
    List<WalCell> cells = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      cells.add(WalCell.put(b("big"), b("f"), b("q" + i), 1000, new byte[30_000]));
    }
    WalEntry entry = new WalEntry("ns:t", "reg", 1000, 7, QUEUE, cells);

    List<WalEdit> parts = new EditSplitter(limit).split(entry);

    assertThat(parts.size()).isGreaterThan(1);
    int total = 0;
    for (int i = 0; i < parts.size(); i++) {
      WalEdit p = parts.get(i);
      assertThat(p.getPart()).isEqualTo(i);
      assertThat(p.getParts()).isEqualTo(parts.size());
      assertThat(p.getSequenceId()).isEqualTo(7);
      assertThat(CODEC.encode(p).length)
          .isLessThanOrEqualTo(limit - EditSplitter.RECORD_HEADROOM_BYTES);
      total += p.getCells().size();
    }
    assertThat(total).isEqualTo(40);
    assertThat(parts.get(0).getCells().get(0).getQualifier()).isEqualTo(ByteBuffer.wrap(b("q0")));
  }

  @Test
  void refusesACellThatCannotFitInOneRecord() {
    WalEntry entry =
        new WalEntry(
            "ns:t",
            "reg",
            1000,
            7,
            QUEUE,
            List.of(WalCell.put(b("r"), b("f"), b("q"), 1, new byte[200_000])));

    assertThatThrownBy(() -> new EditSplitter(128 * 1024).split(entry))
        .isInstanceOf(OversizedCellException.class)
        .hasMessageContaining("max.message.bytes");
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void utf8LengthCountsWhatTheEncoderWrites() {
    for (String s :
        List.of(
            "",
            "ns:table",
            "caf\u00e9",
            "\u20ac-\u4e2d",
            "\ud83d\ude00 emoji",
            "lone \ud83d surrogate")) {
      assertThat(EditSplitter.utf8Length(s))
          .as(s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
