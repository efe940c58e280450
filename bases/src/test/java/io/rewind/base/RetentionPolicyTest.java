package io.rewind.base;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.TableBases;
import io.rewind.client.store.Manifest;
import io.rewind.store.point.RestorePoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  private static BaseImageManifest base(String table, String id, long startedAt, long completedAt) {
    BaseImageManifest b = new BaseImageManifest();
    b.table = table;
    b.id = id;
    b.startedAt = startedAt;
    b.replayAfter = startedAt - 500;
    b.completedAt = completedAt;
    return b;
  }

  private static Manifest segment(
      int partition, long start, long end, Long minWrite, Long maxWrite) {
    Manifest m = new Manifest();
    m.partition = partition;
    m.startOffset = start;
    m.endOffset = end;
    m.minWriteTime = minWrite;
    m.maxWriteTime = maxWrite;
    m.segmentPath = "segments/p=" + partition + "/" + start;
    return m;
  }

  private final BaseImageManifest a1 = base("ns:a", "b1", 10_000, 10_200);
  private final BaseImageManifest a2 = base("ns:a", "b2", 20_000, 20_200);
  private final BaseImageManifest a3 = base("ns:a", "b3", 30_000, 30_200);
  private final BaseImageManifest b1 = base("ns:b", "b1", 12_000, 12_200);
  private final BaseImageManifest b2 = base("ns:b", "b2", 25_000, 25_200);

  private final Map<Integer, List<Manifest>> manifests =
      Map.of(
          0,
              List.of(
                  segment(0, 0, 10, 1_000L, 9_000L),
                  segment(0, 10, 20, 9_000L, 11_400L),
                  segment(0, 20, 30, 11_400L, 11_600L),
                  segment(0, 30, 40, 11_600L, 40_000L)),
          1, List.of(segment(1, 0, 5, 2_000L, 3_000L)));

  @Test
  void keepsTheNewestBaseAtOrBeforeTheWindowStartAndEverythingAfter() {
    RetentionPlan plan =
        RetentionPolicy.plan(
            26_000,
            Map.of(
                "ns:a",
                new TableBases("ns:a", List.of(a1, a2, a3)),
                "ns:b",
                new TableBases("ns:b", List.of(b1, b2))),
            List.of("ns:a", "ns:b"),
            manifests);

    assertThat(plan.basesToDelete).containsExactlyInAnyOrder(a1, b1);
    // a keeps a2 (replay after 19,500), b keeps b2 (24,500): segments wholly at or before 19,500
    // go.
    assertThat(plan.segmentCutoff).isEqualTo(19_500);
    assertThat(plan.manifestsToDelete.get(0))
        .extracting(m -> m.startOffset)
        .containsExactly(0L, 10L, 20L);
  }

  @Test
  void neverDeletesAPartitionsNewestSegmentTheArchiversResumeFrom() {
    RetentionPlan plan =
        RetentionPolicy.plan(
            26_000,
            Map.of("ns:a", new TableBases("ns:a", List.of(a1, a2))),
            List.of("ns:a"),
            manifests);
    assertThat(plan.manifestsToDelete).doesNotContainKey(1);
    assertThat(plan.manifestsToDelete.get(0)).extracting(m -> m.startOffset).doesNotContain(30L);
  }

  @Test
  void theCutoffIsTheEarliestReplayStartAnyTableNeeds() {
    RetentionPlan plan =
        RetentionPolicy.plan(
            26_000,
            Map.of(
                "ns:a",
                new TableBases("ns:a", List.of(a1, a2, a3)),
                "ns:b",
                new TableBases("ns:b", List.of(b1, b2))),
            List.of(),
            manifests);
    // b2 completed at 25,200 <= 26,000, a2 at 20,200: the kept a2's replay start (19,500) bounds
    // the segments.
    assertThat(plan.segmentCutoff).isEqualTo(Math.min(a2.replayAfter, b2.replayAfter));

    RetentionPlan early =
        RetentionPolicy.plan(
            12_100,
            Map.of(
                "ns:a",
                new TableBases("ns:a", List.of(a1, a2)),
                "ns:b",
                new TableBases("ns:b", List.of(b1, b2))),
            List.of(),
            manifests);
    // b has no base at or before 12,100: it keeps all its bases and the stream from its oldest
    // base's replay start.
    assertThat(early.basesToDelete).isEmpty();
    assertThat(early.segmentCutoff).isEqualTo(Math.min(a1.replayAfter, b1.replayAfter));
    assertThat(early.manifestsToDelete.get(0)).extracting(m -> m.startOffset).containsExactly(0L);
  }

  @Test
  void aTableWithoutABaseKeepsTheWholeStream() {
    RetentionPlan plan =
        RetentionPolicy.plan(
            26_000,
            Map.of("ns:a", new TableBases("ns:a", List.of(a1, a2, a3))),
            List.of("ns:a", "ns:new"),
            manifests);
    assertThat(plan.basesToDelete).containsExactly(a1);
    assertThat(plan.manifestsToDelete).isEmpty();
    assertThat(plan.reasons.get("ns:new")).contains("no base");
  }

  @Test
  void aTableWithoutABaseCreatedUnderTheBackupKeepsTheStreamOnlyFromItsCreation() {
    Map<String, TableBases> bases = Map.of("ns:a", new TableBases("ns:a", List.of(a1, a2, a3)));

    // Created (the master observer's CREATE) at 15,000: nothing of it is older, less 1,000 of clock
    // skew.
    RetentionPlan created =
        RetentionPolicy.plan(
            26_000,
            bases,
            List.of("ns:a", "ns:new"),
            manifests,
            List.of(),
            Map.of("ns:new", 15_000L),
            1_000);
    assertThat(created.segmentCutoff).isEqualTo(14_000);
    assertThat(created.manifestsToDelete.get(0))
        .extracting(m -> m.startOffset)
        .containsExactly(0L, 10L, 20L);
    assertThat(created.reasons.get("ns:new"))
        .contains("no base, created at")
        .contains("every bulk load");
    assertThat(created.bulkLoadCutoffs).as("its bulk loads all stay").doesNotContainKey("ns:new");

    // Created after the kept base's replay start: the base bounds the cutoff.
    assertThat(
            RetentionPolicy.plan(
                    26_000,
                    bases,
                    List.of("ns:a", "ns:new"),
                    manifests,
                    List.of(),
                    Map.of("ns:new", 40_000L),
                    1_000)
                .segmentCutoff)
        .isEqualTo(a2.replayAfter);
  }

  @Test
  void aSegmentWithAnEditPastTheCutoffStopsThePrefix() {
    Map<Integer, List<Manifest>> outOfOrder =
        Map.of(
            0,
            List.of(
                segment(0, 0, 10, 1_000L, 9_000L),
                segment(0, 10, 20, 9_000L, 30_000L),
                segment(0, 20, 30, 1_000L, 2_000L),
                segment(0, 30, 40, 40_000L, 41_000L)));
    RetentionPlan plan =
        RetentionPolicy.plan(
            26_000,
            Map.of("ns:a", new TableBases("ns:a", List.of(a1, a2))),
            List.of("ns:a"),
            outOfOrder);
    assertThat(plan.manifestsToDelete.get(0)).extracting(m -> m.startOffset).containsExactly(0L);
  }

  @Test
  void aRestorePointOlderThanTheWindowKeepsTheBaseServingItAndTheStreamFromItsReplayStart() {
    RestorePoint point = new RestorePoint();
    point.name = "before-migration";
    point.time = 15_000;
    point.tables = List.of("ns:a");
    RetentionPlan plan =
        RetentionPolicy.plan(
            26_000,
            Map.of(
                "ns:a",
                new TableBases("ns:a", List.of(a1, a2, a3)),
                "ns:b",
                new TableBases("ns:b", List.of(b1, b2))),
            List.of("ns:a", "ns:b"),
            manifests,
            List.of(point));

    // a1 serves the point (the newest base of ns:a at or before 15,000); a2 the window; ns:b is not
    // the point's.
    assertThat(plan.basesToDelete).containsExactly(b1);
    assertThat(plan.segmentCutoff).isEqualTo(a1.replayAfter);
    assertThat(plan.manifestsToDelete.get(0)).extracting(m -> m.startOffset).containsExactly(0L);
    assertThat(plan.reasons.get("ns:a")).contains("base b1 for restore point before-migration");
  }

  @Test
  void aRestorePointOfEveryTableKeepsEachTablesServingBase() {
    RestorePoint point = new RestorePoint();
    point.name = "all";
    point.time = 13_000;
    RetentionPlan plan =
        RetentionPolicy.plan(
            26_000,
            Map.of(
                "ns:a",
                new TableBases("ns:a", List.of(a1, a2, a3)),
                "ns:b",
                new TableBases("ns:b", List.of(b1, b2))),
            List.of("ns:a", "ns:b"),
            manifests,
            List.of(point));
    assertThat(plan.basesToDelete).isEmpty();
  }
}
