package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EditSorterTest {

  @TempDir Path dir;
  private SpillDirectory spill;

  @BeforeEach
  void open() {
    spill = SpillDirectory.create(dir, "spill-", "the test's directory");
  }

  @AfterEach
  void close() {
    spill.close();
  }

  /** An entry as the test knows it. */
  record Entry(byte[] key, long offset, byte[] value) {}

  private static List<Entry> entries(long seed, int count) {
    Random random = new Random(seed);
    List<Entry> entries = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] key;
      if (!keys.isEmpty() && random.nextInt(3) == 0) {
        key = keys.get(random.nextInt(keys.size()));
      } else {
        key =
            ("t" + random.nextInt(3) + "\0" + Integer.toHexString(random.nextInt(5000)))
                .getBytes(StandardCharsets.UTF_8);
        keys.add(key);
      }
      byte[] value = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(300)];
      random.nextBytes(value);
      entries.add(new Entry(key, i * 3L + random.nextInt(3), value));
    }
    return entries;
  }

  private static List<Entry> reference(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(
        Comparator.comparing(Entry::key, Arrays::compareUnsigned).thenComparingLong(Entry::offset));
    return sorted;
  }

  private static List<Entry> drain(EntryCursor c) throws IOException {
    List<Entry> out = new ArrayList<>();
    while (c.next()) {
      out.add(
          new Entry(
              Arrays.copyOfRange(c.buffer(), c.keyOffset(), c.keyOffset() + c.keyLength()),
              c.offset(),
              Arrays.copyOfRange(c.buffer(), c.valueOffset(), c.valueOffset() + c.valueLength())));
    }
    return out;
  }

  private static void assertSame(List<Entry> actual, List<Entry> expected) {
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).key()).as("key %d", i).isEqualTo(expected.get(i).key());
      assertThat(actual.get(i).offset()).as("offset %d", i).isEqualTo(expected.get(i).offset());
      assertThat(actual.get(i).value()).as("value %d", i).isEqualTo(expected.get(i).value());
    }
  }

  private long filesIn(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.count();
    }
  }

  @Test
  void aTinyBudgetSortsThroughManyRunsAndSeveralMergePassesAsASortInMemoryWould()
      throws IOException {
    List<Entry> entries = entries(1, 20_000);

    try (EditSorter sorter = new EditSorter(64 * 1024, spill, 3)) {
      for (Entry e : entries) {
        sorter.add(ByteBuffer.wrap(e.key()), e.offset(), ByteBuffer.wrap(e.value()));
      }
      List<Entry> sorted = drain(sorter.sorted());

      assertSame(sorted, reference(entries));
      assertThat(sorter.runsWritten()).as("runs, and merges of runs").isGreaterThan(40);
      assertThat(filesIn(spill.path()))
          .as("merged runs are deleted: two left to merge with the arena")
          .isEqualTo(2);
    }
    assertThat(filesIn(spill.path())).as("closing deletes the runs").isZero();
  }

  @Test
  void aBudgetLargeEnoughWritesNoFile() throws IOException {
    List<Entry> entries = entries(2, 5_000);

    try (EditSorter sorter = new EditSorter(64L << 20, spill)) {
      for (Entry e : entries) {
        sorter.add(ByteBuffer.wrap(e.key()), e.offset(), ByteBuffer.wrap(e.value()));
      }
      assertSame(drain(sorter.sorted()), reference(entries));
      assertThat(sorter.runsWritten()).isZero();
      assertThat(filesIn(spill.path())).isZero();
    }
  }

  @Test
  void closingBeforeTheMergeDeletesTheRunsWritten() throws IOException {
    try (EditSorter sorter = new EditSorter(16 * 1024, spill)) {
      for (Entry e : entries(3, 2_000)) {
        sorter.add(ByteBuffer.wrap(e.key()), e.offset(), ByteBuffer.wrap(e.value()));
      }
      assertThat(filesIn(spill.path())).isPositive();
    }
    assertThat(filesIn(spill.path())).isZero();
  }

  @Test
  void aRunWrittenAndReadBackKeepsEveryEntryAcrossItsBufferBoundaries() throws IOException {
    List<Entry> entries = reference(entries(4, 3_000));
    entries.add(
        new Entry(
            new byte[] {(byte) 0xff, (byte) 0xff},
            Long.MAX_VALUE,
            new byte[SortedRun.WRITE_BUFFER + 17]));
    EntryArena arena = new EntryArena(64L << 20);
    entries.forEach(
        e -> arena.add(ByteBuffer.wrap(e.key()), e.offset(), ByteBuffer.wrap(e.value())));
    Path run = spill.newFile("run-");

    SortedRun.write(run, arena.sorted());

    try (EntryCursor back = SortedRun.read(run, 100)) {
      assertSame(drain(back), entries);
    }
  }
}
