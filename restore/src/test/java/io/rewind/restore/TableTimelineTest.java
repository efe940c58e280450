package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.TableHistory;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableTimelineTest {

  private static final String T = "ns:t";

  @Test
  void theDescriptorAtTIsTheNewestChangeAtOrBeforeItAndLaterSeenVersionsAreIgnored() {
    List<TableDescriptor> versions =
        List.of(
            version(100, "CREATE", family("d", Integer.MAX_VALUE)),
            // A region server still reading the descriptor from before the MODIFY, after it:
            version(250, "SEEN", family("d", Integer.MAX_VALUE)),
            version(200, "MODIFY", family("d", 2)));

    assertThat(maxVersions(at(versions, 150), "d")).isEqualTo(Integer.MAX_VALUE);
    assertThat(maxVersions(at(versions, 200), "d")).as("from its time on, inclusive").isEqualTo(2);
    assertThat(maxVersions(at(versions, 300), "d")).isEqualTo(2);
  }

  @Test
  void aTableTheObserverNeverSawChangeTakesItsNewestSeenVersionOrItsOldest() {
    List<TableDescriptor> versions =
        List.of(version(100, "SEEN", family("d", 1)), version(300, "SEEN", family("d", 5)));

    assertThat(maxVersions(at(versions, 50), "d"))
        .as("before the first record: the table existed already")
        .isEqualTo(1);
    assertThat(maxVersions(at(versions, 200), "d")).isEqualTo(1);
    assertThat(maxVersions(at(versions, 400), "d")).isEqualTo(5);
    assertThat(at(versions, 50).exists()).isTrue();
    assertThat(at(versions, 400).replayAfter()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aTruncateCutsTheStreamAndABaseRequestedBeforeItIsNotLoaded() {
    List<TableDescriptor> versions =
        List.of(version(100, "CREATE", family("d", 1)), version(500, "TRUNCATE", family("d", 1)));
    BaseImageManifest before = base(420, 450);
    BaseImageManifest after = base(550, 580);

    assertThat(at(versions, 400).replayAfter())
        .as("a CREATE cuts too: nothing of the table precedes it")
        .isEqualTo(100);
    assertThat(at(versions, 499, before).base()).contains(before);
    assertThat(at(versions, 499, before).replayAfter()).isEqualTo(before.replayAfter);
    TableTimeline.TableAtTime truncated = TableTimeline.at(T, versions, 600, Optional.of(before));
    assertThat(truncated.base()).as("its data is gone with the truncate").isEmpty();
    assertThat(truncated.replayAfter()).isEqualTo(500);
    assertThat(truncated.cut()).isEqualTo(500);
    TableTimeline.TableAtTime rebased = at(versions, 600, after);
    assertThat(rebased.base()).contains(after);
    assertThat(rebased.replayAfter()).isEqualTo(after.replayAfter);
  }

  @Test
  void aDroppedTableDidNotExistFromItsDropUntilItWasCreatedAgain() {
    List<TableDescriptor> versions =
        new ArrayList<>(
            List.of(version(100, "CREATE", family("d", 1)), version(700, "DROP", family("d", 1))));

    assertThat(at(versions, 699).exists()).isTrue();
    assertThat(at(versions, 700).exists()).isFalse();
    assertThat(at(versions, 800).droppedAt()).contains(700L);
    versions.add(version(900, "CREATE", family("e", 3)));
    TableTimeline.TableAtTime again = at(versions, 1000);
    assertThat(again.exists()).isTrue();
    assertThat(again.replayAfter()).as("the old table's edits are gone").isEqualTo(900);
    assertThat(again.descriptor().getFamilies())
        .extracting(FamilyDescriptor::getName)
        .containsExactly("e");
    assertThat(at(versions, 800).droppedAt()).contains(700L);
  }

  @Test
  void aTableCreatedAfterTDidNotExistAtT() {
    List<TableDescriptor> versions = List.of(version(100, "CREATE", family("d", 1)));

    assertThat(at(versions, 99).exists()).isFalse();
    assertThat(at(versions, 99).createdAfter()).contains(100L);
    assertThat(at(versions, 100).exists()).isTrue();
  }

  @Test
  void cellsOfARemovedFamilyAreNotReplayedAndAFamilyAddedAgainStartsEmpty() {
    List<TableDescriptor> versions =
        List.of(
            version(100, "CREATE", family("d", 1), family("m", 1)),
            version(200, "MODIFY", family("d", 1)),
            modify(300, List.of("m"), family("d", 1), family("m", 1)));

    TableTimeline.TableAtTime before = at(versions, 150);
    assertThat(before.filtersCells()).isFalse();
    assertThat(before.keepsCell("m", 150)).isTrue();
    TableTimeline.TableAtTime removed = at(versions, 250);
    assertThat(removed.filtersCells()).isTrue();
    assertThat(removed.keepsCell("m", 150)).isFalse();
    assertThat(removed.keepsCell("d", 150)).isTrue();
    TableTimeline.TableAtTime added = at(versions, 350);
    assertThat(added.keepsCell("m", 150)).as("the old family's cells").isFalse();
    assertThat(added.keepsCell("m", 300)).isFalse();
    assertThat(added.keepsCell("m", 301)).isTrue();
    assertThat(added.keepsCell("d", 150)).isTrue();
    assertThat(at(versions, 350, base(250, 260)).loadsBaseFamily("m"))
        .as("the base holds the old family")
        .isFalse();
    assertThat(at(versions, 350, base(250, 260)).loadsBaseFamily("d")).isTrue();
    assertThat(at(versions, 350, base(320, 330)).loadsBaseFamily("m")).isTrue();
    assertThat(at(versions, 250, base(150, 160)).loadsBaseFamily("m"))
        .as("not in the table at T")
        .isFalse();
  }

  @Test
  void theRegionsAreTheNewestKnownAtTOrTheBasesWhenItIsNewer() {
    List<TableDescriptor> versions =
        List.of(
            regions(version(100, "CREATE", family("d", 1)), "m"),
            regions(version(400, "REGIONS", family("d", 1)), "g", "m"));

    assertThat(keys(at(versions, 200))).containsExactly("m");
    assertThat(keys(at(versions, 500))).containsExactly("g", "m");
    BaseImageManifest base = base(420, 450);
    base.regions = List.of(region(""), region("c"), region("x"));
    assertThat(keys(at(versions, 500, base))).as("the base is newer").containsExactly("c", "x");
    assertThat(at(versions, 500, base).splitKeysFrom()).isEqualTo("base " + base.id);
    assertThat(keys(at(List.of(version(100, "SEEN", family("d", 1))), 200))).isEmpty();
  }

  @Test
  void aRestoreReadsOnlyTheVersionsItNeedsWhateverTheHistory(@TempDir Path dir) throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      TableHistory history = new TableHistory(store);
      history.write(version(100, "CREATE", family("d", 1)));
      for (int i = 0; i < 50; i++) {
        history.write(regions(version(200 + i, "REGIONS", family("d", 1)), "k" + i));
        history.write(version(200 + i, "SEEN", family("d", 1 + i)));
      }
      history.write(version(300, "TRUNCATE", family("d", 1)));
      history.write(version(400, "MODIFY", family("d", 2)));
      history.write(version(500, "MODIFY", family("d", 3)));
      assertThat(history.write(version(500, "MODIFY", family("d", 3))))
          .as("the same version again: the same key")
          .isNotNull();

      List<TableHistory.Entry> entries = history.list(T);
      assertThat(entries).hasSize(104);
      assertThat(TableTimeline.needed(entries, 450))
          .extracting(e -> e.time() + " " + e.change())
          .containsExactly("249 REGIONS", "249 SEEN", "300 TRUNCATE", "400 MODIFY");
      assertThat(TableTimeline.needed(entries, 50))
          .extracting(TableHistory.Entry::time)
          .containsExactly(100L);
      List<TableDescriptor> read = new ArrayList<>();
      for (TableHistory.Entry e : TableTimeline.needed(entries, 450)) {
        read.add(history.read(e).orElseThrow());
      }
      TableTimeline.TableAtTime at = TableTimeline.at(T, read, 450, Optional.empty());
      assertThat(maxVersions(at, "d")).isEqualTo(2);
      assertThat(at.replayAfter()).isEqualTo(300);
      assertThat(keys(at)).containsExactly("k49");
    }
  }

  @Test
  void aTornVersionReadsAsAbsent(@TempDir Path dir) throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      TableHistory history = new TableHistory(store);
      String key = history.write(version(100, "CREATE", family("d", 1)));
      byte[] bytes = store.read(key);
      store.write(key, Arrays.copyOf(bytes, bytes.length / 2));

      assertThat(history.read(history.list(T).get(0))).isEmpty();
    }
  }

  private static TableTimeline.TableAtTime at(List<TableDescriptor> versions, long t) {
    return TableTimeline.at(T, versions, t, Optional.empty());
  }

  private static TableTimeline.TableAtTime at(
      List<TableDescriptor> versions, long t, BaseImageManifest base) {
    return TableTimeline.at(T, versions, t, Optional.of(base));
  }

  private static int maxVersions(TableTimeline.TableAtTime at, String family) {
    return at.familySettings().get(family).getMaxVersions();
  }

  private static List<String> keys(TableTimeline.TableAtTime at) {
    List<String> keys = new ArrayList<>();
    at.descriptor()
        .getSplitKeys()
        .forEach(b -> keys.add(StandardCharsets.UTF_8.decode(b.duplicate()).toString()));
    return keys;
  }

  private static TableDescriptor version(long time, String change, FamilyDescriptor... families) {
    return TableDescriptor.newBuilder()
        .setTable(T)
        .setFamilies(List.of(families))
        .setUpdatedAt(time)
        .setChange(change)
        .build();
  }

  private static TableDescriptor modify(
      long time, List<String> added, FamilyDescriptor... families) {
    return TableDescriptor.newBuilder(version(time, "MODIFY", families))
        .setAddedFamilies(added)
        .build();
  }

  private static TableDescriptor regions(TableDescriptor d, String... splitKeys) {
    List<ByteBuffer> keys = new ArrayList<>();
    for (String k : splitKeys) {
      keys.add(ByteBuffer.wrap(k.getBytes(StandardCharsets.UTF_8)));
    }
    return TableDescriptor.newBuilder(d).setSplitKeys(keys).setRegionsKnown(true).build();
  }

  private static FamilyDescriptor family(String name, int versions) {
    return FamilyDescriptor.newBuilder().setName(name).setMaxVersions(versions).build();
  }

  private static BaseImageManifest base(long startedAt, long completedAt) {
    BaseImageManifest b = new BaseImageManifest();
    b.table = T;
    b.id = "b-" + startedAt;
    b.startedAt = startedAt;
    b.replayAfter = startedAt - 10;
    b.completedAt = completedAt;
    return b;
  }

  private static BaseImageManifest.Region region(String startKey) {
    BaseImageManifest.Region r = new BaseImageManifest.Region();
    r.startKey = Base64.getEncoder().encodeToString(startKey.getBytes(StandardCharsets.UTF_8));
    return r;
  }
}
