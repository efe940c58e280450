package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.kafka.EditKey;
import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.store.Manifest;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.WalEdit;
import io.rewind.store.dump.CellDump;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.file.CodecFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore through the public API whose sorts spill against one whose sorts do not, and its
 * scratch files.
 */
class RestoreSpillTest {

  private static final int PARTITIONS = 3;
  private static final int SEGMENTS_PER_PARTITION = 3;
  private static final long FIRST_WRITE = 1_795_000_000_000L;
  private static final int EDITS = 90_000;

  @TempDir Path dir;

  /**
   * A store of random edits (every table's rows spread over the partitions, each row in one);
   * returns them.
   */
  private List<WalEdit> writeStore(TestStore store) throws IOException {
    List<WalEdit> edits = RandomEdits.generate(21, EDITS, 6_000, FIRST_WRITE);
    List<List<ArchivedRecord>> records = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      records.add(new ArrayList<>());
    }
    for (WalEdit e : edits) {
      List<ArchivedRecord> partition = records.get(partitionOf(e));
      partition.add(store.record(partition.size(), e));
    }
    // A record without a value in partition 0: counted as invalid, as before.
    records.get(0).add(TestStore.record(records.get(0).size(), edits.get(0), null));
    for (int p = 0; p < PARTITIONS; p++) {
      List<ArchivedRecord> all = records.get(p);
      int per = all.size() / SEGMENTS_PER_PARTITION + 1;
      for (int start = 0; start < all.size(); start += per) {
        int end = Math.min(all.size(), start + per);
        store.segment(
            p,
            start,
            end,
            all.subList(start, end),
            p == 1 ? CodecFactory.nullCodec() : CodecFactory.zstandardCodec(3));
      }
    }
    store.checkpoint(FIRST_WRITE + EDITS);
    return edits;
  }

  private static int partitionOf(WalEdit e) {
    return Math.floorMod(
        Arrays.hashCode(EditKey.of(e.getTable(), RowImage.bytes(e.getRow()))), PARTITIONS);
  }

  private RestoreReport restore(
      TestStore store,
      long time,
      long sortMemory,
      Path spill,
      int parallelism,
      RestoreTarget target)
      throws IOException {
    return new Restore(store.store, store.serdes, TestStore.TOPIC)
        .withSort(new SortSettings(sortMemory, spill))
        .run(new RestoreOptions(time, List.of(), parallelism, false), target);
  }

  @Test
  void
      aRestoreWhoseSortsSpillWritesTheSameDumpsByteForByteAsOneThatDoesNotAndAsTheDumpOfEveryCellSorted()
          throws IOException {
    long time = FIRST_WRITE + EDITS - 5_000;
    Path spill = Files.createDirectories(dir.resolve("spill"));
    List<WalEdit> edits;
    RestoreReport spilled;
    RestoreReport inMemory;
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      edits = writeStore(store);
      spilled =
          restore(
              store,
              time,
              1 << 20,
              spill,
              1,
              new DumpTarget(dir.resolve("spilled"), time, List.of()));
      inMemory =
          restore(
              store,
              time,
              1L << 30,
              spill,
              2,
              new DumpTarget(dir.resolve("in-memory"), time, List.of()));
    }

    assertThat(spilled.sortRunsSpilled)
        .as("1 MiB per partition: each partition spills")
        .isGreaterThanOrEqualTo(2 * PARTITIONS);
    assertThat(inMemory.sortRunsSpilled).isZero();
    assertThat(spilled.editsApplied).isEqualTo(inMemory.editsApplied).isPositive();
    assertThat(spilled.duplicatesSkipped).isEqualTo(inMemory.duplicatesSkipped).isPositive();
    assertThat(spilled.recordsAfterTime).isEqualTo(inMemory.recordsAfterTime).isPositive();
    assertThat(spilled.invalidRecords).isEqualTo(inMemory.invalidRecords).isEqualTo(1);
    Map<String, List<DumpCell>> expected = RandomEdits.visibleCells(edits, time);
    assertThat(spilled.cellsPerTable.keySet()).containsExactlyElementsOf(expected.keySet());
    for (Map.Entry<String, List<DumpCell>> table : expected.entrySet()) {
      // The dump as the target wrote it before it streamed: every cell held, sorted, written at
      // once.
      List<DumpCell> cells = new ArrayList<>(table.getValue());
      cells.sort(DumpCell.ORDER);
      Path reference = dir.resolve(CellDump.fileName(table.getKey()) + ".reference");
      CellDump.write(reference, table.getKey(), TimeParser.format(time), cells);
      String file = CellDump.fileName(table.getKey());
      assertThat(Files.readAllBytes(dir.resolve("spilled").resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(reference));
      assertThat(Files.readAllBytes(dir.resolve("in-memory").resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(reference));
      assertThat(spilled.cellsPerTable.get(table.getKey())).isEqualTo(cells.size());
    }
    assertThat(entries(spill)).as("the spill directory once both restores are done").isEmpty();
    assertThat(entries(dir.resolve("spilled")))
        .as("no dump parts left")
        .allMatch(p -> p.getFileName().toString().endsWith(".cells"));
  }

  @Test
  void aCorruptSegmentFailsTheRestoreBeforeAnyRowOfItsPartitionIsAppliedAndLeavesNoScratchFile()
      throws IOException {
    Path spill = Files.createDirectories(dir.resolve("spill"));
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      List<WalEdit> edits = writeStore(store);
      // The last segment of partition 1 (uncompressed: it decodes, only its digest tells), read
      // after its partition spilled.
      Manifest last =
          new Restore(store.store, store.serdes, TestStore.TOPIC)
              .catalog()
              .partitions()
              .get(1)
              .newest()
              .orElseThrow();
      Path file = dir.resolve("store").resolve(last.segmentPath);
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length - 100] ^= 0x01;
      Files.write(file, bytes);
      Set<String> partitionOne = new HashSet<>();
      edits.stream()
          .filter(e -> partitionOf(e) == 1)
          .forEach(
              e -> partitionOne.add(e.getTable() + Arrays.toString(RowImage.bytes(e.getRow()))));
      Recording recording = new Recording();

      assertThatThrownBy(() -> restore(store, FIRST_WRITE + EDITS, 1 << 20, spill, 1, recording))
          .isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining(last.segmentPath);

      assertThat(recording.rows).as("partition 0 was replayed first").isNotEmpty();
      assertThat(recording.rows).as("no row of partition 1").noneMatch(partitionOne::contains);
      assertThat(recording.aborted).isTrue();
      assertThat(entries(spill))
          .as("the runs partition 1 spilled before it failed are gone")
          .isEmpty();

      Path out = dir.resolve("out");
      assertThatThrownBy(
              () ->
                  restore(
                      store,
                      FIRST_WRITE + EDITS,
                      1 << 20,
                      spill,
                      2,
                      new DumpTarget(out, 0, List.of())))
          .isInstanceOf(CorruptSegmentException.class);
      assertThat(entries(spill)).isEmpty();
      assertThat(entries(out)).as("the dump's parts are gone too").isEmpty();
    }
  }

  @Test
  void anUnwritableSpillDirectoryIsRefusedNamingTheSetting() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");

    try (TestStore store = new TestStore(dir.resolve("store"))) {
      writeStore(store);
      assertThatThrownBy(
              () ->
                  restore(
                      store,
                      FIRST_WRITE + 10,
                      1 << 20,
                      notADirectory.resolve("spill"),
                      1,
                      new DumpTarget(dir.resolve("out"), 0, List.of())))
          .isInstanceOf(RestoreRefusedException.class)
          .hasMessageContaining(notADirectory.toString())
          .hasMessageContaining("restore.spill.dir")
          .hasMessageContaining("--spill-dir");
    }
  }

  private static List<Path> entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  /** Records each row by table and row bytes. */
  private static final class Recording implements RestoreTarget {
    final Set<String> rows = Collections.synchronizedSet(new HashSet<>());
    volatile boolean aborted;

    @Override
    public void acceptRows(String table, List<RestoredRow> batch) {
      batch.forEach(r -> rows.add(table + Arrays.toString(r.row())));
    }

    @Override
    public void acceptRow(String table, List<DumpCell> cells) {
      throw new AssertionError("rows come in batches");
    }

    @Override
    public Map<String, Long> finish() {
      throw new AssertionError("the restore failed");
    }

    @Override
    public void abort() {
      aborted = true;
    }
  }
}
