package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.kafka.EditKey;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The external sort and the replay of sorted edits against the plain replay: group in memory,
 * replay in offset order.
 */
class SortedReplayTest {

  private static final long FIRST_WRITE = 1_000_000;

  @TempDir Path dir;
  private SpillDirectory spill;
  private final SerdeFactory serdes = new SerdeFactory(null);
  private final Serializer<WalEdit> serializer = serdes.serializer(WalEdit.class);
  private final List<Long> named = new ArrayList<>();

  @BeforeEach
  void open() {
    spill = SpillDirectory.create(dir, "spill-", "the test's directory");
  }

  @AfterEach
  void close() {
    spill.close();
  }

  @Test
  void throughATinyBudgetManyRunsAndMergePassesTheRowsAreThoseOfTheReplayInMemory()
      throws IOException {
    List<WalEdit> edits = RandomEdits.generate(11, 6_000, 300, FIRST_WRITE);
    long time = FIRST_WRITE + 5_000;
    RandomEdits.Reference expected = RandomEdits.reference(edits, time);
    Collecting target = new Collecting();

    SortedReplay replay = replay(edits, time, Set.of(), Map.of(), target, 32 * 1024, 3);

    assertThat(target.rows()).isEqualTo(expected.rows());
    assertThat(replay.editsApplied).isEqualTo(expected.applied());
    assertThat(replay.duplicatesSkipped).isEqualTo(expected.duplicates()).isPositive();
    assertThat(replay.recordsAfterTime).isEqualTo(expected.afterTime()).isPositive();
    assertThat(replay.invalidRecords).isZero();
    target.assertBatchesInRowOrderTablesInKeyOrder();
    assertThat(target.batches.size())
        .as("small batches: many per table")
        .isGreaterThan(3 * RandomEdits.TABLES.length);
  }

  @Test
  void aSortWithoutSpillGivesTheSameRows() throws IOException {
    List<WalEdit> edits = RandomEdits.generate(12, 3_000, 200, FIRST_WRITE);
    Collecting target = new Collecting();

    replay(edits, Long.MAX_VALUE, Set.of(), Map.of(), target, 64L << 20, EditSorter.MAX_OPEN_RUNS);

    assertThat(target.rows()).isEqualTo(RandomEdits.reference(edits, Long.MAX_VALUE).rows());
    target.assertBatchesInRowOrderTablesInKeyOrder();
  }

  @Test
  void tablesAskedForAndEditsInABaseAreLeftOutAsBefore() throws IOException {
    List<WalEdit> edits = RandomEdits.generate(13, 3_000, 200, FIRST_WRITE);
    long base = FIRST_WRITE + 1_500;
    List<WalEdit> kept = new ArrayList<>();
    for (WalEdit e : edits) {
      boolean inBase = e.getTable().equals("ns:a") && e.getWriteTime() <= base;
      if (!e.getTable().equals("ns:b") && !inBase) {
        kept.add(e);
      }
    }
    Collecting target = new Collecting();

    replay(
        edits, Long.MAX_VALUE, Set.of("ns:a", "ns:a2"), Map.of("ns:a", base), target, 16 * 1024, 4);

    assertThat(target.rows())
        .isEqualTo(RandomEdits.reference(kept, Long.MAX_VALUE).rows())
        .isNotEmpty();
    assertThat(target.rows().keySet()).noneMatch(k -> k.startsWith("ns:b/"));
  }

  @Test
  void anUndecodableValueAndAnEditUnderAnotherRowsKeyAreCountedInvalidAndNamedByOffset()
      throws IOException {
    WalEdit good =
        TestEdits.edit(TestEdits.bytes("r1"), "region-a", 1, TestEdits.put("q", 100, "v"));
    WalEdit other =
        TestEdits.edit(TestEdits.bytes("r2"), "region-a", 2, TestEdits.put("q", 100, "w"));
    byte[] key = EditKey.of("ns:t", TestEdits.bytes("r1"));
    Collecting target = new Collecting();
    try (EditSorter sorter = new EditSorter(1 << 20, spill)) {
      sorter.add(
          ByteBuffer.wrap(key), 10, ByteBuffer.wrap(serializer.serialize("rewind.edits", good)));
      sorter.add(
          ByteBuffer.wrap(key), 11, ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}));
      sorter.add(
          ByteBuffer.wrap(key), 12, ByteBuffer.wrap(serializer.serialize("rewind.edits", other)));
      SortedReplay replay = newReplay(Long.MAX_VALUE, Set.of(), Map.of(), target);

      replay.replay(sorter.sorted());

      assertThat(replay.invalidRecords).isEqualTo(2);
      assertThat(replay.editsApplied).isEqualTo(1);
    }
    assertThat(named).containsExactly(11L, 12L);
    assertThat(target.rows()).containsOnlyKeys("ns:t/" + "7231");
  }

  private SortedReplay replay(
      List<WalEdit> edits,
      long time,
      Set<String> tables,
      Map<String, Long> replayAfter,
      Collecting target,
      long memory,
      int maxOpenRuns)
      throws IOException {
    try (EditSorter sorter = new EditSorter(memory, spill, maxOpenRuns)) {
      for (int offset = 0; offset < edits.size(); offset++) {
        WalEdit e = edits.get(offset);
        sorter.add(
            ByteBuffer.wrap(EditKey.of(e.getTable(), RowImage.bytes(e.getRow()))),
            offset,
            ByteBuffer.wrap(serializer.serialize("rewind.edits", e)));
      }
      if (memory < 1 << 20) {
        assertThat(sorter.runsWritten()).as("the budget forces runs").isGreaterThan(maxOpenRuns);
      }
      SortedReplay replay = newReplay(time, tables, replayAfter, target);
      replay.replay(sorter.sorted());
      return replay;
    }
  }

  private SortedReplay newReplay(
      long time, Set<String> tables, Map<String, Long> replayAfter, Collecting target) {
    Map<String, TableTimeline.TableAtTime> tablesAt = new HashMap<>();
    replayAfter.forEach(
        (t, after) -> tablesAt.put(t, TableTimeline.TableAtTime.replayingAfter(t, after)));
    return new SortedReplay(
        new EditDecoder(serdes.deserializer(WalEdit.class)),
        "rewind.edits",
        time,
        tables,
        tablesAt,
        target,
        offset -> {
          named.add(offset);
          return "segments/p=0/0-100.avro";
        },
        2 * 1024);
  }

  /** Keeps every batch as it came. */
  private static final class Collecting implements RestoreTarget {
    final List<Map.Entry<String, List<RestoredRow>>> batches = new ArrayList<>();

    @Override
    public void acceptRows(String table, List<RestoredRow> rows) {
      batches.add(Map.entry(table, rows));
    }

    @Override
    public void acceptRow(String table, List<DumpCell> cells) {
      throw new AssertionError("rows come in batches");
    }

    @Override
    public Map<String, Long> finish() {
      return Map.of();
    }

    Map<String, List<String>> rows() {
      Map<String, List<String>> rows = new TreeMap<>();
      batches.forEach(
          b ->
              b.getValue()
                  .forEach(
                      r -> {
                        List<String> previous =
                            rows.put(RandomEdits.keyOf(b.getKey(), r), RandomEdits.describe(r));
                        assertThat(previous).as("a row is handed over once").isNull();
                      }));
      return rows;
    }

    void assertBatchesInRowOrderTablesInKeyOrder() {
      String table = null;
      byte[] last = null;
      for (Map.Entry<String, List<RestoredRow>> b : batches) {
        if (!b.getKey().equals(table)) {
          assertThat(
                  table == null
                      || Arrays.compareUnsigned(table.getBytes(), b.getKey().getBytes()) < 0)
              .as("table %s after %s", b.getKey(), table)
              .isTrue();
          table = b.getKey();
          last = null;
        }
        assertThat(b.getValue()).isNotEmpty();
        for (RestoredRow r : b.getValue()) {
          assertThat(last == null || Arrays.compareUnsigned(last, r.row()) < 0)
              .as("rows ascend within a table")
              .isTrue();
          last = r.row();
        }
      }
    }
  }
}
