package io.rewind.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.Topics;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import io.rewind.store.verify.RestoreTestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

  private final MonitorSettings settings =
      MonitorSettings.of(
          RewindConfig.of(
              Map.of(MonitorSettings.STALL_MS, "60000", RewindConfig.CHECKPOINT_MARGIN_MS, "500")));
  private final AlertRules rules = new AlertRules(settings, new Topics("rewind."));

  private List<Alert> alerts(Facts f) {
    return rules.evaluate(f.report());
  }

  @Test
  void aHealthyPipelineRaisesNoAlert() {
    assertThat(alerts(new Facts())).isEmpty();
  }

  @Test
  void archiveLagWarnsAtHalfTheRetentionAndIsCriticalAtFourFifths() {
    Facts f = new Facts();
    f.archive =
        Facts.archive(
            600_000L,
            Facts.partition(0, 0, 100, 50, 200_000L, 600_000L),
            Facts.partition(1, 0, 100, 100, null, 600_000L));
    assertThat(alerts(f)).isEmpty();

    f.archive =
        Facts.archive(
            600_000L,
            Facts.partition(0, 0, 100, 50, 300_000L, 600_000L),
            Facts.partition(1, 0, 100, 100, null, 600_000L));
    Alert warning = single(alerts(f), AlertRules.ARCHIVE_LAG_RETENTION);
    assertThat(warning.severity()).isEqualTo(Severity.WARNING);
    assertThat(warning.subject()).isEqualTo("rewind.edits partitions 0");
    assertThat(warning.reason()).contains("partition 0", "50 %", "10 min 0 s", "50 records");
    assertThat(warning.action()).contains("rewind archive", "retention.ms");

    f.archive =
        Facts.archive(
            600_000L,
            Facts.partition(0, 0, 100, 50, 300_000L, 600_000L),
            Facts.partition(1, 0, 100, 10, 500_000L, 600_000L));
    Alert critical = single(alerts(f), AlertRules.ARCHIVE_LAG_RETENTION);
    assertThat(critical.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(critical.subject()).isEqualTo("rewind.edits partitions 0,1");
    assertThat(critical.reason()).contains("partition 1", "83 %");
  }

  @Test
  void unlimitedRetentionNeverRaisesTheArchiveLagAlert() {
    Facts f = new Facts();
    f.archive = Facts.archive(-1L, Facts.partition(0, 0, 100, 0, 86_400_000L, -1L));
    assertThat(alerts(f)).isEmpty();
  }

  @Test
  void offsetsExpiredBeforeTheyWereArchivedAreCriticalDataLoss() {
    Facts f = new Facts();
    f.archive = Facts.archive(600_000L, Facts.partition(3, 120, 200, 100, 1_000L, 600_000L));
    Alert loss = single(alerts(f), AlertRules.DATA_LOSS);
    assertThat(loss.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(loss.subject()).isEqualTo("rewind.edits-3");
    assertThat(loss.reason()).contains("offsets 100 to 119", "partition 3");
    assertThat(alerts(f)).extracting(Alert::id).doesNotContain(AlertRules.ARCHIVE_LAG_RETENTION);
  }

  @Test
  void aPartitionNeverArchivedIsNotDataLoss() {
    Facts f = new Facts();
    f.archive = Facts.archive(600_000L, Facts.partition(0, 120, 200, -1, 1_000L, 600_000L));
    assertThat(alerts(f)).extracting(Alert::id).doesNotContain(AlertRules.DATA_LOSS);
  }

  @Test
  void aStalledCheckpointNamesTheQueueThatHoldsItBackAndWhy() {
    Facts f = new Facts();
    f.checkpoint = Facts.checkpoint(Facts.NOW - 61_000, "rs1,16020,1/wg", "effective-claim", false);
    f.queues.set(
        0,
        new QueueRow(
            "rs1,16020,1/wg",
            "rs1,16020,1",
            "wg",
            Facts.NOW - 61_000,
            "t",
            "awaiting-first-effective-claim",
            Facts.NOW - 45_000,
            45_000L,
            Facts.NOW,
            true));
    Alert stalled = single(alerts(f), AlertRules.CHECKPOINT_STALLED);
    assertThat(stalled.severity()).isEqualTo(Severity.WARNING);
    assertThat(stalled.subject()).isEqualTo("rs1,16020,1/wg");
    assertThat(stalled.reason())
        .contains(
            "queue rs1,16020,1/wg holds it back",
            "rule awaiting-first-effective-claim",
            "no claim of it has become effective",
            "last marker is 45.0 s old",
            "1 min 1 s old");

    f.checkpoint =
        Facts.checkpoint(Facts.NOW - 301_000, "rs1,16020,1/wg", "effective-claim", false);
    assertThat(single(alerts(f), AlertRules.CHECKPOINT_STALLED).severity())
        .isEqualTo(Severity.CRITICAL);
  }

  @Test
  void aCheckpointBoundByTheMembershipGuardSaysNoSnapshotsArrive() {
    Facts f = new Facts();
    f.checkpoint =
        Facts.checkpoint(Facts.NOW - 90_000, null, "membership-guard(R_latest-margin)", false);
    Alert stalled = single(alerts(f), AlertRules.CHECKPOINT_STALLED);
    assertThat(stalled.reason()).contains("no endpoint publishes snapshots");
  }

  @Test
  void noCheckpointWhileProgressExistsIsAWarning() {
    Facts f = new Facts();
    f.checkpoint = null;
    assertThat(single(alerts(f), AlertRules.CHECKPOINT_MISSING).severity())
        .isEqualTo(Severity.WARNING);
    f.replaceTopic(Facts.topic("rewind.progress", 0));
    assertThat(alerts(f)).isEmpty();
  }

  @Test
  void aDecreasedCheckpointIsCritical() {
    Facts f = new Facts();
    f.checkpoint = Facts.checkpoint(Facts.NOW - 1_000, "rs1,16020,1/wg", "effective-claim", true);
    Alert decreased = single(alerts(f), AlertRules.CHECKPOINT_DECREASED);
    assertThat(decreased.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(decreased.reason()).contains("rs1,16020,1/wg", "broken");
  }

  @Test
  void aNonEmptyDeadLetterTopicIsAWarning() {
    Facts f = new Facts();
    f.replaceTopic(Facts.topic("rewind.dlq", 2));
    Alert dlq = single(alerts(f), AlertRules.DLQ_NOT_EMPTY);
    assertThat(dlq.severity()).isEqualTo(Severity.WARNING);
    assertThat(dlq.reason()).startsWith("2 records in rewind.dlq");
    assertThat(dlq.action()).contains("rewind.dlq.reason");
  }

  @Test
  void aPipelineGroupWithoutMembersIsCritical() {
    Facts f = new Facts();
    f.groups.set(0, Facts.group("rewind-archivers", "archivers", 0));
    Alert inactive = single(alerts(f), AlertRules.GROUP_INACTIVE);
    assertThat(inactive.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(inactive.subject()).isEqualTo("rewind-archivers");
    assertThat(inactive.reason())
        .contains("no active members", "state EMPTY", "nothing archives rewind.edits");
    assertThat(inactive.action()).contains("rewind archive");
  }

  @Test
  void clockSkewBeyondTheMarginIsCriticalWhicheverWay() {
    Facts f = new Facts();
    f.skew.add(new PublisherSkew("rs-fast", 10, -40, 300, 20, Facts.NOW));
    assertThat(alerts(f)).isEmpty();
    f.skew.add(new PublisherSkew("rs-behind", 10, 650, 900, 700, Facts.NOW));
    f.skew.add(new PublisherSkew("rs-ahead", 10, -800, -700, -750, Facts.NOW));
    List<Alert> skew =
        alerts(f).stream().filter(a -> a.id().equals(AlertRules.CLOCK_SKEW)).toList();
    assertThat(skew).extracting(Alert::subject).containsExactly("rs-behind", "rs-ahead");
    assertThat(skew).allSatisfy(a -> assertThat(a.severity()).isEqualTo(Severity.CRITICAL));
    assertThat(skew.get(0).reason()).contains("650 ms behind", "checkpoint.margin.ms (500)");
    assertThat(skew.get(1).reason()).contains("800 ms ahead of");
  }

  @Test
  void aBulkLoadTheEndpointCouldNotCaptureIsAWarningSayingWhy() {
    Facts f = new Facts();
    f.bulkLoads.add(
        new BulkLoadMarker(
            "rs1,16020,1/wg",
            "rs1",
            Facts.NOW - 5_000,
            "t",
            "bulk-load replication is off on this region server"));
    Alert bulk = single(alerts(f), AlertRules.BULK_LOAD);
    assertThat(bulk.severity()).isEqualTo(Severity.WARNING);
    assertThat(bulk.reason())
        .contains("rs1,16020,1/wg", "not in the backup", "bulk-load replication is off");
    assertThat(bulk.action()).contains("rewind base --tables");
  }

  @Test
  void aRestoreTestThatFailedIsCriticalAndOneTooOldIsStale() {
    Facts f = new Facts();
    f.restoreTest = restoreTest(Facts.NOW - 3_600_000, true);
    assertThat(alerts(f)).isEmpty();

    f.restoreTest = restoreTest(Facts.NOW - 3_600_000, false);
    Alert failed = single(alerts(f), AlertRules.RESTORE_TEST_FAILED);
    assertThat(failed.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(failed.reason()).contains("ns:t to", "p=3: offsets 10 to 19");
    assertThat(failed.action()).contains("rewind verify");

    f.restoreTest = restoreTest(Facts.NOW - 49 * 3_600_000L, true);
    Alert stale = single(alerts(f), AlertRules.RESTORE_TEST_STALE);
    assertThat(stale.severity()).isEqualTo(Severity.WARNING);
    assertThat(stale.reason()).contains("49 h 0 min ago").doesNotContain("never");
    assertThat(stale.action()).contains("--every 24h", MonitorSettings.RESTORE_TEST_MAX_AGE_MS);
  }

  @Test
  void aStoreThatNeverHadARestoreTestIsStaleOnceItsDataIsOlderThanTheThreshold() {
    Facts f = new Facts();
    f.tables.add(
        new TableRange("ns:t", Facts.NOW - 3_600_000, "", 10, "first archived edit", 0, null));
    assertThat(alerts(f)).as("a young store").isEmpty();
    f.tables.add(
        new TableRange(
            "ns:u", Facts.NOW - 72 * 3_600_000L, "", 10, "first archived edit", 0, null));
    assertThat(single(alerts(f), AlertRules.RESTORE_TEST_STALE).reason())
        .contains("no restore test was ever recorded");
  }

  private static RestoreTestRecord restoreTest(long endedAt, boolean ok) {
    RestoreTestRecord r = new RestoreTestRecord();
    r.id = "t1";
    r.endedAt = endedAt;
    r.endedAtIso = TimeParser.format(endedAt);
    r.startedAtIso = r.endedAtIso;
    r.tables = List.of("ns:t");
    r.timeIso = "2026-01-01T00:00:00.000Z";
    r.ok = ok;
    r.error = ok ? null : "p=3: offsets 10 to 19 have no committed manifest";
    return r;
  }

  @Test
  void criticalAlertsComeFirst() {
    Facts f = new Facts();
    f.replaceTopic(Facts.topic("rewind.dlq", 1));
    f.groups.set(1, Facts.group("rewind-checkpoint", "checkpoint", 0));
    assertThat(alerts(f))
        .extracting(Alert::severity)
        .containsExactly(Severity.CRITICAL, Severity.WARNING);
  }

  private static Alert single(List<Alert> alerts, String id) {
    List<Alert> matching = alerts.stream().filter(a -> a.id().equals(id)).toList();
    assertThat(matching).as("alerts %s", alerts).hasSize(1);
    return matching.get(0);
  }

  @Test
  void aQueueHoldingClosedWalsPastTheThresholdsWarnsThenTurnsCriticalNamingItAndItsHolder() {
    Facts f = new Facts();
    f.walBacklog = backlog(7, 1);
    assertThat(alerts(f)).isEmpty();
    f.walBacklog = backlog(8, 1);
    assertThat(alerts(f))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.id()).isEqualTo(AlertRules.WAL_BACKLOG);
              assertThat(a.severity()).isEqualTo(Severity.WARNING);
              assertThat(a.subject()).isEqualTo("rs2,16020,2/wg");
              assertThat(a.reason())
                  .contains("holds 8 closed WALs not yet shipped")
                  .contains("shipped by rs2,16020,2");
              assertThat(a.action())
                  .contains("on rs2,16020,2")
                  .contains(MonitorSettings.WAL_BACKLOG_WARN);
            });
    f.walBacklog = backlog(32, 2);
    assertThat(alerts(f))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
              assertThat(a.reason()).contains("2 queue(s) hold at least 8");
            });
  }

  @Test
  void theBacklogComesFromTheNewestSnapshotCountingEveryWalOfAClaimedQueue() {
    ClusterSnapshot s =
        ClusterSnapshot.newBuilder()
            .setReadTime(Facts.NOW - 300)
            .setMarginMs(500)
            .setQueues(
                List.of(
                    listing("rs1,16020,1", "rs1,16020,1", 3, Facts.NOW - 60_000),
                    listing("rs9,16020,9", "rs1,16020,1", 2, Facts.NOW - 600_000)))
            .build();
    WalBacklog b = WalBacklog.of(s, Facts.NOW);
    // Equal counts: the older oldest WAL first.
    assertThat(b.queues())
        .extracting(WalBacklog.Queue::queue)
        .containsExactly("rs9,16020,9/wg", "rs1,16020,1/wg");
    assertThat(b.queues()).extracting(WalBacklog.Queue::walsWaiting).containsExactly(2, 2);
    assertThat(b.queues().get(0).recovered()).as("claimed: both its WALs are closed").isTrue();
    assertThat(b.walsWaitingTotal()).isEqualTo(4);
    assertThat(b.oldestWalAgeMs()).isEqualTo(600_000);
    assertThat(b.snapshotAgeMs()).isEqualTo(300);
  }

  private static QueueListing listing(String server, String holder, int wals, long oldest) {
    return QueueListing.newBuilder()
        .setQueue(QueueId.newBuilder().setServer(server).setWalGroup("wg").build())
        .setHolder(holder)
        .setOldestWalStart(oldest)
        .setBound(oldest - 500)
        .setWalCount(wals)
        .build();
  }

  /** The worst queue holds {@code waiting} closed WALs; {@code behind} queues hold that many. */
  private static WalBacklog backlog(int waiting, int behind) {
    List<WalBacklog.Queue> queues = new ArrayList<>();
    for (int i = 0; i < behind; i++) {
      queues.add(
          new WalBacklog.Queue(
              "rs" + (2 + i) + ",16020," + (2 + i) + "/wg",
              "rs" + (2 + i) + ",16020," + (2 + i),
              false,
              waiting + 1,
              waiting,
              Facts.NOW - 3_600_000,
              "",
              3_600_000));
    }
    queues.add(
        new WalBacklog.Queue(
            "rs1,16020,1/wg", "rs1,16020,1", false, 1, 0, Facts.NOW - 60_000, "", 60_000));
    return new WalBacklog(Facts.NOW - 300, "", 300, waiting * behind, waiting, 3_600_000, queues);
  }
}
