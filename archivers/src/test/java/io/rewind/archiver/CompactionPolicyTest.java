package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompactionPolicyTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long T0 = 1_795_003_200_000L; // an hour boundary
  private final CompactionPolicy policy =
      new CompactionPolicy(new long[] {MINUTE, HOUR}, 1_000, 1_000_000, Set.of("k1"));

  private static Manifest m(long start, long end, long committedAt) {
    Manifest m = new Manifest();
    m.startOffset = start;
    m.endOffset = end;
    m.committedAt = committedAt;
    m.sizeBytes = 100;
    return m;
  }

  /** Segments of 10 offsets, one every {@code everyMs} from {@code first}. */
  private static List<Manifest> segments(int count, long first, long everyMs) {
    List<Manifest> ms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ms.add(m(i * 10L, i * 10L + 10, first + i * everyMs));
    }
    return ms;
  }

  private static List<String> describe(List<CompactionPolicy.Run> runs) {
    return runs.stream()
        .map(
            r ->
                "L"
                    + r.level()
                    + ":"
                    + r.sources().get(0).startOffset
                    + "-"
                    + r.sources().get(r.sources().size() - 1).endOffset)
        .toList();
  }

  @Test
  void eachEndedMinuteBecomesOneLevelOneRunAndTheOpenMinuteWaits() {
    List<Manifest> ms =
        segments(6, T0 + 10_000, 20_000); // commits at :10, :30, :50, 1:10, 1:30, 1:50

    assertThat(describe(policy.runs(ms, T0 + MINUTE + 999))).as("settle not over").isEmpty();
    assertThat(describe(policy.runs(ms, T0 + MINUTE + 1_000))).containsExactly("L1:0-30");
    assertThat(describe(policy.runs(ms, T0 + 2 * MINUTE + 1_000)))
        .containsExactly("L1:0-30", "L1:30-60");
  }

  @Test
  void historyOlderThanItsHourGoesStraightToLevelTwo() {
    List<Manifest> ms = segments(6, T0 + 10_000, 20_000);

    assertThat(describe(policy.runs(ms, T0 + HOUR + 1_000))).containsExactly("L2:0-60");
  }

  @Test
  void levelOneSegmentsOfAnEndedHourMergeWithItsLevelZeroOnes() {
    List<Manifest> ms = segments(4, T0 + 10_000, 20_000);
    Manifest merged = m(0, 20, T0 + 70_000);
    merged.level = 1;
    merged.firstCommittedAt = T0 + 10_000;
    List<Manifest> entries = new ArrayList<>(List.of(merged));
    entries.addAll(ms.subList(2, 4));

    assertThat(describe(policy.runs(entries, T0 + HOUR + 1_000))).containsExactly("L2:0-40");
    assertThat(describe(policy.runs(List.of(merged), T0 + HOUR + 1_000)))
        .as("a lone segment stays")
        .isEmpty();
  }

  @Test
  void aRunStopsAtAGapAnOverlapAKeyChangeOrTheSizeCap() {
    List<Manifest> gap = segments(4, T0, 1_000);
    gap.get(2).startOffset = 25;
    assertThat(describe(policy.runs(gap, T0 + MINUTE + 1_000)))
        .containsExactly("L1:0-20", "L1:25-40");

    List<Manifest> keys = segments(4, T0, 1_000);
    keys.get(2).keyId = "k1";
    keys.get(3).keyId = "k1";
    assertThat(describe(policy.runs(keys, T0 + MINUTE + 1_000)))
        .containsExactly("L1:0-20", "L1:20-40");

    List<Manifest> otherKey = segments(3, T0, 1_000);
    otherKey.forEach(m -> m.keyId = "old");
    assertThat(policy.runs(otherKey, T0 + MINUTE + 1_000))
        .as("a key the compactor does not hold")
        .isEmpty();

    CompactionPolicy capped = new CompactionPolicy(new long[] {MINUTE}, 0, 250, Set.of());
    assertThat(describe(capped.runs(segments(5, T0, 1_000), T0 + MINUTE)))
        .containsExactly("L1:0-20", "L1:20-40");
  }

  @Test
  void entriesWhoseTopWindowEndedAreFinished() {
    List<Manifest> ms = segments(3, T0 + 10_000, 20_000);
    ms.add(m(30, 40, T0 + HOUR + 5_000));

    assertThat(policy.finishedPrefix(ms, T0 + HOUR + 1_000)).isEqualTo(3);
    assertThat(policy.finishedPrefix(ms, T0 + HOUR)).isZero();
  }
}
