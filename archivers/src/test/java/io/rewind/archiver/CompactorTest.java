package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.client.store.StoredObject;
import io.rewind.store.catalog.IndexHead;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.PartitionView;
import io.rewind.store.catalog.RetentionFloor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compactor on a local store: levels by commit-time windows, every offset read once through the
 * index before and after, merged-away objects deleted only after the grace period, a lost or torn
 * head rebuilt, a corrupt source named with nothing committed, the retention floor honoured, and
 * finished entries paged out of the head.
 */
class CompactorTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;

  /** An hour boundary. */
  private static final long T0 = Math.floorDiv(1_795_000_000_000L, HOUR) * HOUR + HOUR;

  private static final long SETTLE = 5_000;
  private static final long GRACE = 120_000;

  @TempDir Path dir;
  private ObjectStore store;
  private final AtomicLong now = new AtomicLong(T0);
  private final List<String> expected = new ArrayList<>();

  @BeforeEach
  void open() throws IOException {
    store = ObjectStore.open(dir.resolve("store").toUri().toString(), Map.of());
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  private Compactor compactor(Map<String, String> extra) {
    Map<String, String> settings =
        new HashMap<>(
            Map.of(
                CompactionSettings.SETTLE_MS,
                String.valueOf(SETTLE),
                CompactionSettings.GRACE_MS,
                String.valueOf(GRACE)));
    settings.putAll(extra);
    return new Compactor(
        store,
        new CompactionSettings(RewindConfig.of(settings)),
        "compactor-test",
        now::get,
        CompactionHook.NONE);
  }

  private Compactor compactor() {
    return compactor(Map.of());
  }

  /** Three minutes of level-0 segments, two a second, on one partition. */
  private List<Manifest> threeMinutes(int partition) throws Exception {
    return new LevelZeroSegments(store).commitMany(partition, 0, 360, 10, T0 + 250, 500, expected);
  }

  @Test
  void endedMinutesMergeIntoLevelOneThenTheHourIntoLevelTwoAndEveryOffsetReadsOnce()
      throws Exception {
    threeMinutes(0);
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);

    now.set(T0 + 2 * MINUTE + SETTLE);
    Compactor.Report first = compactor().pass();

    assertThat(first.headsRebuilt).isEqualTo(1);
    assertThat(first.mergedSegmentsWritten).isEqualTo(2);
    assertThat(first.segmentsMerged).isEqualTo(240);
    IndexHead head = new ManifestIndex(store).readHead(0).orElseThrow();
    assertThat(head.entries).hasSize(2 + 120);
    assertThat(head.entries.get(0).level()).isEqualTo(1);
    assertThat(head.entries.get(0).sourceCount()).isEqualTo(120);
    assertThat(head.entries.get(2).level()).isZero();
    assertThat(head.retired).hasSize(240);
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);

    now.set(T0 + HOUR + SETTLE);
    Compactor.Report second = compactor().pass();

    assertThat(second.mergedSegmentsWritten).isEqualTo(1);
    head = new ManifestIndex(store).readHead(0).orElseThrow();
    assertThat(head.entries)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.level()).isEqualTo(2);
              assertThat(m.startOffset).isZero();
              assertThat(m.endOffset).isEqualTo(3600);
              assertThat(m.recordCount).isEqualTo(3600);
              assertThat(m.sourceCount()).isEqualTo(360);
              assertThat(m.archivedFrom()).isEqualTo(T0 + 250);
            });
    assertThat(second.retiredDeleted)
        .as("the first pass's sources, past their grace; not yet the level-1 segments")
        .isEqualTo(240);
    assertThat(new ManifestIndex(store).readHead(0).orElseThrow().retired).hasSize(120 + 2);
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);
  }

  @Test
  void mergedAwayObjectsGoOnlyAfterTheGracePeriodLeavingTwoObjectsPerHour() throws Exception {
    threeMinutes(0);
    now.set(T0 + HOUR + SETTLE);
    compactor().pass();
    assertThat(objects("segments")).hasSize(361);

    now.addAndGet(GRACE - 1);
    assertThat(compactor().pass().retiredDeleted).isZero();
    now.addAndGet(1);
    assertThat(compactor().pass().retiredDeleted).isEqualTo(360);

    assertThat(objects("segments")).singleElement().satisfies(k -> assertThat(k).contains("/L2/"));
    assertThat(objects("manifests")).singleElement().satisfies(k -> assertThat(k).contains("/L2/"));
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);
  }

  @Test
  void newLevelZeroManifestsAreIndexedOnTheNextPassAndReadersSeeThemBeforeThat() throws Exception {
    LevelZeroSegments l0 = new LevelZeroSegments(store);
    l0.commitMany(0, 0, 10, 5, T0, 500, expected);
    compactor().pass();
    l0.commitMany(0, 50, 4, 5, T0 + 5_000, 500, expected);

    PartitionView view = new ManifestIndex(store).open(0);
    assertThat(view.indexed()).isTrue();
    assertThat(view.tail()).hasSize(4);
    assertThat(view.chain().end()).isEqualTo(70);
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);

    Compactor.Report report = compactor().pass();
    assertThat(report.manifestsIndexed).isEqualTo(4);
    assertThat(new ManifestIndex(store).readHead(0).orElseThrow().indexedEnd).isEqualTo(70);
  }

  @Test
  void aZombieCopyIsRetiredAndTheChainStaysWhole() throws Exception {
    LevelZeroSegments l0 = new LevelZeroSegments(store);
    l0.commitMany(0, 0, 4, 10, T0, 500, expected);
    // A zombie archiver's copy of [12, 18): its offsets are the same records, already covered.
    Manifest zombie = l0.commit(0, 12, 6, T0 + 700, new ArrayList<>());
    now.set(T0 + 2 * MINUTE);

    compactor().pass();

    IndexHead head = new ManifestIndex(store).readHead(0).orElseThrow();
    assertThat(head.entries).singleElement().satisfies(m -> assertThat(m.endOffset).isEqualTo(40));
    assertThat(head.retired)
        .extracting(r -> r.startOffset + "-" + r.endOffset)
        .contains(zombie.startOffset + "-" + zombie.endOffset);
  }

  @Test
  void aLostHeadIsRebuiltFromTheManifestsPreferringTheCoarsest() throws Exception {
    threeMinutes(0);
    now.set(T0 + HOUR + SETTLE);
    compactor().pass();
    store.delete(StoreLayout.indexHead(0));
    store.delete(StoreLayout.indexHeadBackup(0));

    PartitionView unindexed = new ManifestIndex(store).open(0);
    assertThat(unindexed.indexed()).isFalse();
    assertThat(unindexed.recent())
        .singleElement()
        .satisfies(m -> assertThat(m.level()).isEqualTo(2));
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);

    Compactor.Report report = compactor().pass();

    assertThat(report.headsRebuilt).isEqualTo(1);
    IndexHead head = new ManifestIndex(store).readHead(0).orElseThrow();
    assertThat(head.entries).singleElement().satisfies(m -> assertThat(m.level()).isEqualTo(2));
    assertThat(head.retired).hasSize(360);
  }

  @Test
  void aTornHeadIsReadFromItsBackup() throws Exception {
    threeMinutes(0);
    now.set(T0 + HOUR + SETTLE);
    compactor().pass();
    byte[] whole = store.read(StoreLayout.indexHead(0));
    store.write(StoreLayout.indexHead(0), Arrays.copyOf(whole, whole.length / 2));

    IndexHead head = new ManifestIndex(store).readHead(0).orElseThrow();

    assertThat(head.entries).singleElement().satisfies(m -> assertThat(m.level()).isEqualTo(2));
  }

  @Test
  void aCorruptSourceIsNamedAndNothingIsCommittedForItsRun() throws Exception {
    List<Manifest> l0 = new LevelZeroSegments(store).commitMany(0, 0, 6, 10, T0, 500, expected);
    Path segment = Path.of(store.path(l0.get(3).segmentPath).toUri());
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 1;
    Files.write(segment, bytes);
    now.set(T0 + MINUTE + SETTLE);

    Compactor.Report report = compactor().pass();

    assertThat(report.errors)
        .singleElement()
        .asString()
        .contains(l0.get(3).segmentPath)
        .contains("corrupt");
    assertThat(report.mergedSegmentsWritten).isZero();
    assertThat(objects("segments")).noneMatch(k -> k.contains("/L1/"));
    assertThat(objects("manifests")).noneMatch(k -> k.contains("/L1/"));
    assertThat(new ManifestIndex(store).readHead(0).orElseThrow().entries).hasSize(6);
  }

  @Test
  void entriesBelowTheRetentionFloorLeaveTheIndex() throws Exception {
    new LevelZeroSegments(store).commitMany(0, 0, 6, 10, T0, 500, expected);
    compactor().pass();
    RetentionFloor floor = new RetentionFloor();
    floor.partitions.put(0, 30L);
    ManifestIndex index = new ManifestIndex(store);
    assertThat(index.writeFloor(floor, index.readFloorForWrite())).isTrue();

    PartitionView view = new ManifestIndex(store).open(0);
    assertThat(view.chain().start()).isEqualTo(30);
    assertThat(view.recent()).extracting(m -> m.startOffset).containsExactly(30L, 40L, 50L);

    compactor().pass();
    assertThat(new ManifestIndex(store).readHead(0).orElseThrow().entries)
        .extracting(m -> m.startOffset)
        .containsExactly(30L, 40L, 50L);
  }

  @Test
  void finishedEntriesMoveIntoPagesThatReadersOpenOnlyWhenARangeNeedsThem() throws Exception {
    LevelZeroSegments l0 = new LevelZeroSegments(store);
    // One segment in each of 8 hours: each stays a lone level-0 segment, finished once its hour has
    // ended.
    for (int h = 0; h < 8; h++) {
      l0.commit(0, h * 10L, 10, T0 + h * HOUR + 1_000, expected);
    }
    now.set(T0 + 9 * HOUR);

    Compactor.Report report = compactor(Map.of(CompactionSettings.PAGE_ENTRIES, "2")).pass();

    assertThat(report.pagesWritten).isEqualTo(3);
    IndexHead head = new ManifestIndex(store).readHead(0).orElseThrow();
    assertThat(head.pages).hasSize(3);
    assertThat(head.entries).hasSize(2);
    PartitionView view = new ManifestIndex(store).open(0);
    assertThat(view.manifestCount()).isEqualTo(8);
    assertThat(view.all())
        .extracting(m -> m.startOffset)
        .containsExactly(0L, 10L, 20L, 30L, 40L, 50L, 60L, 70L);
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);
    long fourthHourWrites = T0 + 3 * HOUR + 1_000 - 400;
    assertThat(view.overlappingWriteTimes(fourthHourWrites - 1, fourthHourWrites + 20))
        .extracting(m -> m.startOffset)
        .containsExactly(30L);

    store.delete(head.pages.get(1).key);
    assertThat(new ManifestIndex(store).open(0).all())
        .as("a lost page: every manifest read instead")
        .hasSize(8);
  }

  @Test
  void segmentsOfDifferentFormatsMergeSeparately() throws Exception {
    new LevelZeroSegments(store, "records", null).commitMany(0, 0, 3, 10, T0, 500, expected);
    new LevelZeroSegments(store, "columnar", null)
        .commitMany(0, 30, 3, 10, T0 + 1_500, 500, expected);
    now.set(T0 + MINUTE + SETTLE);

    Compactor.Report report = compactor().pass();

    assertThat(report.mergedSegmentsWritten).isEqualTo(2);
    assertThat(new ManifestIndex(store).readHead(0).orElseThrow().entries)
        .extracting(m -> m.startOffset + "-" + m.endOffset)
        .containsExactly("0-30", "30-60");
    assertThat(LevelZeroSegments.readThroughIndex(store, 0)).isEqualTo(expected);
  }

  @Test
  void encryptedSegmentsMergeIntoOneSealedInChunksWithTheKeyThatOpensThem() throws Exception {
    byte[] material = new byte[32];
    new Random(5).nextBytes(material);
    Path keyFile = dir.resolve("segment.key");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(material));
    SegmentKey key = SegmentKey.of(null, material);
    new LevelZeroSegments(store, "columnar", key).commitMany(0, 0, 6, 10, T0, 500, expected);
    now.set(T0 + MINUTE + SETTLE);
    assertThat(compactor().pass().mergedSegmentsWritten)
        .as("a compactor without the key leaves them as they are")
        .isZero();

    Compactor.Report report = compactor(Map.of(SegmentKey.KEY_FILE, keyFile.toString())).pass();

    assertThat(report.mergedSegmentsWritten).isEqualTo(1);
    Manifest merged = new ManifestIndex(store).readHead(0).orElseThrow().entries.get(0);
    assertThat(merged.keyId).isEqualTo(key.id());
    assertThat(new String(store.read(merged.segmentPath), 0, 4, StandardCharsets.US_ASCII))
        .isEqualTo("RWE2");
    assertThat(LevelZeroSegments.readThroughIndex(store, 0, key)).isEqualTo(expected);
  }

  @Test
  void theLevelWindowsMustNest() {
    assertThatThrownBy(() -> CompactionSettings.windows("60000,90000"))
        .hasMessageContaining("multiple of the one before");
    assertThatThrownBy(() -> CompactionSettings.windows(""))
        .hasMessageContaining("at least one level");
    assertThat(CompactionSettings.windows("1000, 60000,3600000"))
        .containsExactly(1000, 60_000, 3_600_000);
  }

  private List<String> objects(String dirName) throws IOException {
    List<String> keys = new ArrayList<>();
    for (StoredObject o : store.listFiles(dirName)) {
      keys.add(o.key());
    }
    return keys;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
