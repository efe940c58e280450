package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryArenaTest {

  private static byte[] key(int... bytes) {
    byte[] k = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      k[i] = (byte) bytes[i];
    }
    return k;
  }

  @Test
  void sortsByKeyAsUnsignedBytesThenOffsetWithPrefixesAndLengthsThatTie() throws IOException {
    List<byte[]> keys =
        new ArrayList<>(
            List.of(
                key(),
                key(0),
                key(0, 0),
                key(0x61, 0x62),
                key(0x61, 0x62, 0),
                key(0xff),
                key(0x7f),
                key(0x80),
                key(1, 2, 3, 4, 5, 6, 7, 8),
                key(1, 2, 3, 4, 5, 6, 7, 8, 0),
                key(1, 2, 3, 4, 5, 6, 7, 8, 9),
                key(1, 2, 3, 4, 5, 6, 7, 8, 0xff)));
    Random random = new Random(5);
    for (int i = 0; i < 2000; i++) {
      byte[] k = new byte[random.nextInt(14)];
      random.nextBytes(k);
      keys.add(k);
      keys.add(keys.get(random.nextInt(keys.size())));
    }
    EntryArena arena = new EntryArena(1 << 20);
    List<long[]> expected = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      long offset = random.nextInt(1_000_000) * 4096L + i;
      assertThat(
              arena.add(
                  ByteBuffer.wrap(keys.get(i)), offset, ByteBuffer.wrap(new byte[] {(byte) i})))
          .isTrue();
      expected.add(new long[] {i, offset});
    }
    expected.sort(
        Comparator.<long[], byte[]>comparing(e -> keys.get((int) e[0]), Arrays::compareUnsigned)
            .thenComparingLong(e -> e[1]));

    List<long[]> sorted = read(arena.sorted());

    assertThat(sorted).hasSize(expected.size());
    for (int i = 0; i < sorted.size(); i++) {
      assertThat(sorted.get(i)[1]).as("entry %d", i).isEqualTo(expected.get(i)[1]);
      assertThat(sorted.get(i)[0]).as("its value").isEqualTo((byte) expected.get(i)[0]);
    }
  }

  @Test
  void keysSharingALongPrefixSortOnWhatFollowsIt() throws IOException {
    EntryArena arena = new EntryArena(1 << 20);
    String prefix = "namespace:a-rather-long-table-name\0row-";
    List<String> rows = new ArrayList<>();
    Random random = new Random(9);
    for (int i = 0; i < 500; i++) {
      String k = prefix + Integer.toString(random.nextInt(100_000), 36);
      rows.add(k);
      arena.add(
          ByteBuffer.wrap(k.getBytes(StandardCharsets.ISO_8859_1)),
          i,
          ByteBuffer.wrap(new byte[0]));
    }
    List<String> expected = new ArrayList<>(rows);
    expected.sort(null);

    EntryCursor c = arena.sorted();
    List<String> sorted = new ArrayList<>();
    while (c.next()) {
      sorted.add(new String(c.buffer(), c.keyOffset(), c.keyLength(), StandardCharsets.ISO_8859_1));
    }

    assertThat(sorted).isEqualTo(expected);
  }

  @Test
  void takesEntriesUntilItsBudgetAndAnyEntryWhenEmpty() {
    long budget = 256 * 1024;
    EntryArena arena = new EntryArena(budget);
    int taken = 0;
    while (arena.add(ByteBuffer.wrap(new byte[20]), taken, ByteBuffer.wrap(new byte[100]))) {
      taken++;
    }

    assertThat(arena.bytes()).isLessThanOrEqualTo(budget);
    assertThat(taken * (8L + 20 + 100 + EntryArena.INDEX_BYTES))
        .as("most of the budget is used")
        .isGreaterThan(budget / 2);

    arena.clear();
    assertThat(
            arena.add(
                ByteBuffer.wrap(new byte[20]), 0, ByteBuffer.wrap(new byte[(int) budget * 2])))
        .isTrue();
    assertThat(arena.add(ByteBuffer.wrap(new byte[20]), 1, ByteBuffer.wrap(new byte[10])))
        .as("full after the large one")
        .isFalse();
  }

  /** Each entry as (first value byte, offset). */
  private static List<long[]> read(EntryCursor c) throws IOException {
    List<long[]> out = new ArrayList<>();
    while (c.next()) {
      out.add(new long[] {c.buffer()[c.valueOffset()], c.offset()});
    }
    return out;
  }
}
