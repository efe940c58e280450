package io.rewind.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.producer.WalCell;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.QueueId;
import io.rewind.store.dump.DumpCell;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectedStateTest {

  private static final String T = "ns:t";
  private static final QueueId QUEUE =
      QueueId.newBuilder().setServer("rs1,16020,1").setWalGroup("rs1%2C16020%2C1").build();
  private static final byte[] ROW = b("row1");
  private static final byte[] F = b("f");
  private static final byte[] G = b("g");
  private static final byte[] Q1 = b("q1");
  private static final byte[] Q2 = b("q2");

  private final ExpectedState state = new ExpectedState(List.of(T, "ns:empty"));

  @Test
  void keepsEveryPutVersionSortedNewestFirst() {
    write(100, 1, put(Q1, 100, "a"));
    write(200, 2, put(Q1, 200, "b"), put(Q2, 150, "c"));

    assertThat(state.cellsAt(T, 1000))
        .containsExactly(cell(Q1, 200, "b"), cell(Q1, 100, "a"), cell(Q2, 150, "c"));
  }

  @Test
  void theLastOfTwoPutsOfOneCellInOneEntryWins() {
    write(100, 1, put(Q1, 100, "first"), put(Q1, 100, "second"));
    write(200, 2, put(Q2, 100, "older entry"));
    write(150, 1, put(Q2, 100, "lower sequence id"));

    assertThat(state.cellsAt(T, 1000))
        .containsExactly(cell(Q1, 100, "second"), cell(Q2, 100, "older entry"));
  }

  @Test
  void timeCutIsInclusiveOnWriteTime() {
    write(100, 1, put(Q1, 100, "a"));
    // An explicit timestamp in the future still belongs to the edit written at 200.
    write(200, 2, put(Q1, 5000, "future"));

    assertThat(state.cellsAt(T, 99)).isEmpty();
    assertThat(state.cellsAt(T, 100)).containsExactly(cell(Q1, 100, "a"));
    assertThat(state.cellsAt(T, 199)).containsExactly(cell(Q1, 100, "a"));
    assertThat(state.cellsAt(T, 200)).containsExactly(cell(Q1, 5000, "future"), cell(Q1, 100, "a"));
  }

  @Test
  void deleteMasksExactlyItsVersion() {
    write(100, 1, put(Q1, 100, "a"), put(Q1, 101, "b"), put(Q1, 99, "c"));
    write(200, 2, WalCell.delete(ROW, F, Q1, 100));

    assertThat(state.cellsAt(T, 200)).containsExactly(cell(Q1, 101, "b"), cell(Q1, 99, "c"));
  }

  @Test
  void deleteColumnMasksVersionsAtOrBelow() {
    write(
        100,
        1,
        put(Q1, 90, "a"),
        put(Q1, 100, "b"),
        put(Q1, 110, "c"),
        put(Q2, 50, "other column"));
    write(200, 2, WalCell.deleteColumn(ROW, F, Q1, 100));

    assertThat(state.cellsAt(T, 200))
        .containsExactly(cell(Q1, 110, "c"), cell(Q2, 50, "other column"));
  }

  @Test
  void deleteFamilyMasksEveryColumnOfTheFamilyAtOrBelow() {
    write(
        100,
        1,
        put(Q1, 100, "a"),
        put(Q2, 101, "b"),
        put(Q2, 99, "c"),
        WalCell.put(ROW, G, Q1, 50, b("other family")));
    write(200, 2, WalCell.deleteFamily(ROW, F, 100));

    assertThat(state.cellsAt(T, 200))
        .containsExactly(cell(Q2, 101, "b"), new DumpCell(ROW, G, Q1, 50, b("other family")));
  }

  @Test
  void deleteFamilyVersionMasksExactlyThatTimestampInEveryColumn() {
    write(
        100,
        1,
        put(Q1, 100, "a"),
        put(Q2, 100, "b"),
        put(Q2, 99, "c"),
        WalCell.put(ROW, G, Q1, 100, b("other family")));
    write(200, 2, WalCell.deleteFamilyVersion(ROW, F, 100));

    assertThat(state.cellsAt(T, 200))
        .containsExactly(cell(Q2, 99, "c"), new DumpCell(ROW, G, Q1, 100, b("other family")));
  }

  @Test
  void deleteWinsOverPutOfTheSameTimestampWhateverTheOrder() {
    write(100, 1, WalCell.delete(ROW, F, Q1, 500));
    write(200, 2, put(Q1, 500, "written after the delete"));
    write(300, 3, put(Q2, 700, "written before the delete"));
    write(400, 4, WalCell.deleteColumn(ROW, F, Q2, 700));
    write(
        500,
        5,
        put(Q1, 600, "survives"),
        WalCell.delete(ROW, F, Q1, 600),
        put(Q2, 800, "survives too"));

    assertThat(state.cellsAt(T, 350)).containsExactly(cell(Q2, 700, "written before the delete"));
    assertThat(state.cellsAt(T, 500)).containsExactly(cell(Q2, 800, "survives too"));
  }

  @Test
  void higherSequenceIdWinsATieOfTwoPuts() {
    // Recorded out of sequence order on purpose: the sequence id decides, not the order of arrival.
    write(110, 20, put(Q1, 100, "seq 20"));
    write(100, 10, put(Q1, 100, "seq 10"));
    write(120, 15, put(Q1, 100, "seq 15"));

    assertThat(state.cellsAt(T, 105)).containsExactly(cell(Q1, 100, "seq 10"));
    assertThat(state.cellsAt(T, 115)).containsExactly(cell(Q1, 100, "seq 20"));
    assertThat(state.cellsAt(T, 200)).containsExactly(cell(Q1, 100, "seq 20"));
  }

  @Test
  void deleteMarkerMasksOlderTimestampsWrittenAfterIt() {
    write(1000, 1, WalCell.deleteColumn(ROW, F, Q1, 1000), WalCell.deleteFamily(ROW, G, 1000));
    write(
        2000,
        2,
        put(Q1, 900, "explicit, older than the delete"),
        put(Q1, 1001, "newer"),
        WalCell.put(ROW, G, Q2, 999, b("masked by the family delete")));

    assertThat(state.cellsAt(T, 2000)).containsExactly(cell(Q1, 1001, "newer"));
  }

  @Test
  void deleteAppliesOnlyFromItsWriteTime() {
    write(100, 1, put(Q1, 100, "a"));
    write(200, 2, WalCell.deleteColumn(ROW, F, Q1, 150));

    assertThat(state.cellsAt(T, 199)).containsExactly(cell(Q1, 100, "a"));
    assertThat(state.cellsAt(T, 200)).isEmpty();
  }

  @Test
  void rowsAndTablesAreIndependent() {
    state.record(
        new WalEntry("ns:other", "r2", 100, 1, QUEUE, List.of(WalCell.deleteFamily(ROW, F, 1000))));
    write(100, 1, put(Q1, 100, "a"), WalCell.put(b("row2"), F, Q1, 100, b("b")));
    write(200, 2, WalCell.deleteFamily(b("row2"), F, 300));

    assertThat(state.cellsAt(T, 300)).containsExactly(cell(Q1, 100, "a"));
    assertThat(state.cellsAt("ns:other", 300)).isEmpty();
    assertThat(state.tables()).containsExactly("ns:empty", "ns:other", T);
  }

  @Test
  void countsOneEditPerEntryAndRowAndTracksWriteTimes() {
    assertThatThrownBy(state::firstWriteTime)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no edit");
    write(300, 1, put(Q1, 300, "a"), WalCell.put(b("row2"), F, Q1, 300, b("b")), put(Q2, 300, "c"));
    write(250, 2, put(Q1, 250, "d"));

    assertThat(state.editCount()).isEqualTo(3);
    assertThat(state.firstWriteTime()).isEqualTo(250);
    assertThat(state.lastWriteTime()).isEqualTo(300);
  }

  private void write(long writeTime, long seq, WalCell... cells) {
    state.record(new WalEntry(T, "region1", writeTime, seq, QUEUE, List.of(cells)));
  }

  private static WalCell put(byte[] q, long ts, String value) {
    return WalCell.put(ROW, F, q, ts, b(value));
  }

  private static DumpCell cell(byte[] q, long ts, String value) {
    return new DumpCell(ROW, F, q, ts, b(value));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
