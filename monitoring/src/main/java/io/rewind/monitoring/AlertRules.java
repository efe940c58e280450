package io.rewind.monitoring;

import io.rewind.client.kafka.Topics;
import io.rewind.client.time.TimeParser;
import io.rewind.store.verify.RestoreTestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns collected facts into alerts, each with a reason and what to do. Pure: the same report and
 * settings give the same alerts, so every rule has its own unit test.
 */
public final class AlertRules {

  public static final String ARCHIVE_LAG_RETENTION = "archive-lag-retention";
  public static final String DATA_LOSS = "data-loss";
  public static final String CHECKPOINT_STALLED = "checkpoint-stalled";
  public static final String CHECKPOINT_MISSING = "checkpoint-missing";
  public static final String CHECKPOINT_DECREASED = "checkpoint-decreased";
  public static final String DLQ_NOT_EMPTY = "dlq-not-empty";
  public static final String GROUP_INACTIVE = "group-inactive";
  public static final String CLOCK_SKEW = "clock-skew";
  public static final String BULK_LOAD = "bulk-load";
  public static final String WAL_BACKLOG = "wal-backlog";
  public static final String RESTORE_TEST_FAILED = "restore-test-failed";
  public static final String RESTORE_TEST_STALE = "restore-test-stale";

  /**
   * Every alert id, in the order the status shows them; each has a {@code rewind_alert_state}
   * gauge.
   */
  public static final List<String> IDS =
      List.of(
          DATA_LOSS,
          ARCHIVE_LAG_RETENTION,
          CHECKPOINT_DECREASED,
          CHECKPOINT_STALLED,
          CHECKPOINT_MISSING,
          GROUP_INACTIVE,
          CLOCK_SKEW,
          WAL_BACKLOG,
          DLQ_NOT_EMPTY,
          BULK_LOAD,
          RESTORE_TEST_FAILED,
          RESTORE_TEST_STALE);

  /** A stalled checkpoint turns critical at this multiple of the threshold. */
  static final int STALL_CRITICAL_FACTOR = 5;

  private final MonitorSettings settings;
  private final Topics topics;

  public AlertRules(MonitorSettings settings, Topics topics) {
    this.settings = settings;
    this.topics = topics;
  }

  /** Every alert the facts call for, most severe first. */
  public List<Alert> evaluate(StatusReport facts) {
    List<Alert> alerts = new ArrayList<>();
    dataLoss(facts, alerts);
    archiveLag(facts, alerts);
    checkpoint(facts, alerts);
    groups(facts, alerts);
    clockSkew(facts, alerts);
    deadLetters(facts, alerts);
    bulkLoads(facts, alerts);
    walBacklog(facts, alerts);
    restoreTest(facts, alerts);
    alerts.sort((a, b) -> b.severity().compareTo(a.severity()));
    return alerts;
  }

  private void dataLoss(StatusReport facts, List<Alert> alerts) {
    if (facts.archive() == null) {
      return;
    }
    for (ArchiveLag.Partition p : facts.archive().partitions()) {
      if (p.dataLoss()) {
        alerts.add(
            new Alert(
                DATA_LOSS,
                Severity.CRITICAL,
                topics.edits() + "-" + p.partition(),
                String.format(
                    Locale.ROOT,
                    "offsets %d to %d of %s partition %d expired before they were archived: the archive ends at %d,"
                        + " the log now starts at %d",
                    p.archivedEnd(),
                    p.logStartOffset() - 1,
                    topics.edits(),
                    p.partition(),
                    p.archivedEnd(),
                    p.logStartOffset()),
                "those edits are lost to the backup and the archiver has stopped the partition (DataLossException): restores before"
                    + " the gap stay valid; raise retention.ms of "
                    + topics.edits()
                    + " and add archiver capacity so it cannot recur,"
                    + " then follow docs/operations.md (data loss) to resume the partition from the log start"));
      }
    }
  }

  private void archiveLag(StatusReport facts, List<Alert> alerts) {
    ArchiveLag lag = facts.archive();
    if (lag == null || lag.retentionMs() == null || lag.retentionMs() <= 0) {
      return;
    }
    List<ArchiveLag.Partition> late =
        lag.partitions().stream()
            .filter(p -> !p.dataLoss() && p.retentionUsed() >= settings.retentionWarnRatio())
            .collect(Collectors.toList());
    if (late.isEmpty()) {
      return;
    }
    ArchiveLag.Partition worst =
        late.stream().max((a, b) -> Double.compare(a.retentionUsed(), b.retentionUsed())).get();
    Severity severity =
        worst.retentionUsed() >= settings.retentionCriticalRatio()
            ? Severity.CRITICAL
            : Severity.WARNING;
    String partitions =
        late.stream().map(p -> String.valueOf(p.partition())).collect(Collectors.joining(","));
    alerts.add(
        new Alert(
            ARCHIVE_LAG_RETENTION,
            severity,
            topics.edits() + " partitions " + partitions,
            String.format(
                Locale.ROOT,
                "the oldest unarchived edit of %s partition %d is %s old, %.0f %% of the topic's retention (%s);"
                    + " %d records are not archived yet: at 100 %% they expire unarchived and are lost to the backup",
                topics.edits(),
                worst.partition(),
                Durations.text(worst.oldestUnarchivedAgeMs()),
                worst.retentionUsed() * 100,
                Durations.text(lag.retentionMs()),
                lag.unarchivedRecords()),
            "check that archivers run (rewind archive) and their logs for store errors, add archivers (up to one per partition),"
                + " or raise retention.ms of "
                + topics.edits()));
  }

  private void checkpoint(StatusReport facts, List<Alert> alerts) {
    CheckpointState c = facts.checkpoint();
    if (c == null) {
      long progress = facts.topic(topics.progress()).map(TopicStatus::records).orElse(0L);
      if (progress > 0) {
        alerts.add(
            new Alert(
                CHECKPOINT_MISSING,
                Severity.WARNING,
                null,
                "no checkpoint has been published although "
                    + topics.progress()
                    + " holds "
                    + progress
                    + " progress records",
                "check that the checkpoint app runs (rewind checkpoint) and archivers too: the first checkpoint needs a cluster"
                    + " snapshot with a predecessor or an effective claim of every listed queue, i.e. archived edits"));
      }
      return;
    }
    if (c.decreased()) {
      alerts.add(
          new Alert(
              CHECKPOINT_DECREASED,
              Severity.CRITICAL,
              c.heldBy(),
              "the checkpoint went back to "
                  + c.timeIso()
                  + " (held by "
                  + c.heldBy()
                  + ", rule "
                  + c.rule()
                  + "): a published"
                  + " promise is broken, edits up to the previous checkpoint may be missing from the archive",
              "check the clocks of the publishers (see clockSkew) against checkpoint.margin.ms and the claims of that queue;"
                  + " restore only to times at or before the current checkpoint"));
    }
    if (c.rpoMs() > settings.stallMs()) {
      Severity severity =
          c.rpoMs() > STALL_CRITICAL_FACTOR * settings.stallMs()
              ? Severity.CRITICAL
              : Severity.WARNING;
      QueueRow holder =
          facts.queues().stream()
              .filter(q -> q.queue().equals(c.heldBy()))
              .findFirst()
              .orElse(null);
      String rule = holder != null && holder.rule() != null ? holder.rule() : c.rule();
      StringBuilder reason =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "the checkpoint %s is %s old (threshold %s): ",
                  c.timeIso(),
                  Durations.text(c.rpoMs()),
                  Durations.text(settings.stallMs())));
      if (c.heldBy() != null) {
        reason
            .append("queue ")
            .append(c.heldBy())
            .append(" holds it back (rule ")
            .append(rule)
            .append(": ")
            .append(why(rule))
            .append(')');
        if (holder != null) {
          reason.append(
              holder.lastMarkerAgeMs() == null
                  ? "; no marker of it was seen"
                  : "; its last marker is " + Durations.text(holder.lastMarkerAgeMs()) + " old");
        }
      } else {
        reason.append("rule ").append(c.rule()).append(": ").append(why(c.rule()));
      }
      alerts.add(
          new Alert(
              CHECKPOINT_STALLED,
              severity,
              c.heldBy(),
              reason.toString(),
              "check the replication source of that queue on its region server (stuck shipper, dead server whose queues nobody"
                  + " claimed), that the endpoints publish cluster snapshots, and that archivers keep up (group lag);"
                  + " the threshold is "
                  + MonitorSettings.STALL_MS));
    }
  }

  /** Why a queue bounded by this rule holds the checkpoint back. */
  static String why(String rule) {
    if (rule == null) {
      return "unknown rule";
    }
    if (rule.startsWith("effective-claim")) {
      return "its newest effective claim is old: no newer marker or snapshot bound of it arrived, or its edits are not archived yet";
    }
    if (rule.startsWith("new-queue")) {
      return "a new queue whose claims have not become effective: its edits wait to be archived";
    }
    if (rule.startsWith("membership-guard")) {
      return "the newest cluster snapshot is old: no endpoint publishes snapshots of the replication queue storage";
    }
    if (rule.startsWith("awaiting-first-effective-claim")) {
      return "no claim of it has become effective yet: no marker arrived or its edits are not archived";
    }
    if (rule.startsWith("no-queues")) {
      return "no queue is known and the newest cluster snapshot bounds the checkpoint";
    }
    return "see docs/architecture.md (the checkpoint)";
  }

  private void groups(StatusReport facts, List<Alert> alerts) {
    for (GroupStatus g : facts.groups()) {
      if (g.memberCount() == 0) {
        String what =
            "archivers".equals(g.role())
                ? "nothing archives " + topics.edits() + ", so the archive lag and the RPO grow"
                : "nothing computes the checkpoint, so the RPO grows";
        String start = "archivers".equals(g.role()) ? "rewind archive" : "rewind checkpoint";
        alerts.add(
            new Alert(
                GROUP_INACTIVE,
                Severity.CRITICAL,
                g.groupId(),
                "consumer group "
                    + g.groupId()
                    + " ("
                    + g.role()
                    + ") has no active members (state "
                    + g.state()
                    + "): "
                    + what,
                "start it ("
                    + start
                    + " with the same configuration) and check why its processes stopped (their logs)"));
      }
    }
  }

  private void clockSkew(StatusReport facts, List<Alert> alerts) {
    for (PublisherSkew s : facts.clockSkew()) {
      if (Math.abs(s.estimatedSkewMs()) > settings.marginMs()) {
        alerts.add(
            new Alert(
                CLOCK_SKEW,
                Severity.CRITICAL,
                s.publisher(),
                String.format(
                    Locale.ROOT,
                    "publisher %s's clock is %d ms %s the broker's (estimated from %d progress records), more than"
                        + " checkpoint.margin.ms (%d): its claims can promise edits that are not archived yet",
                    s.publisher(),
                    Math.abs(s.estimatedSkewMs()),
                    s.estimatedSkewMs() > 0 ? "behind" : "ahead of",
                    s.samples(),
                    settings.marginMs()),
                "fix time synchronisation (NTP) on the host of "
                    + s.publisher()
                    + ", or raise checkpoint.margin.ms above the skew"));
      }
    }
  }

  private void deadLetters(StatusReport facts, List<Alert> alerts) {
    long records = facts.topic(topics.dlq()).map(TopicStatus::records).orElse(0L);
    if (records > 0) {
      alerts.add(
          new Alert(
              DLQ_NOT_EMPTY,
              Severity.WARNING,
              topics.dlq(),
              records
                  + " records in "
                  + topics.dlq()
                  + " failed validation (they were archived as they are, nothing was dropped)",
              "read them (headers rewind.dlq.reason and rewind.dlq.source name the reason and the original), fix the producer"
                  + " that wrote them, then delete them (kafka-delete-records) so the next one stands out"));
    }
  }

  private void restoreTest(StatusReport facts, List<Alert> alerts) {
    RestoreTestRecord last = facts.restoreTest();
    long maxAge = settings.restoreTestMaxAgeMs();
    String run =
        "run rewind verify --restore-test (with --hbase-zk of a cluster to restore into, or into cell dumps), and schedule it:"
            + " rewind verify --restore-test --every 24h";
    if (last == null) {
      long oldest =
          facts.tables().stream()
              .mapToLong(TableRange::earliestRestorable)
              .min()
              .orElse(Long.MAX_VALUE);
      if (oldest != Long.MAX_VALUE && facts.generatedAt() - oldest > maxAge) {
        alerts.add(
            new Alert(
                RESTORE_TEST_STALE,
                Severity.WARNING,
                null,
                "no restore test was ever recorded in the store, whose oldest restorable data is "
                    + Durations.text(facts.generatedAt() - oldest)
                    + " old (threshold "
                    + Durations.text(maxAge)
                    + "): nothing shows the backup can be restored, nor how long it takes",
                run + "; the threshold is " + MonitorSettings.RESTORE_TEST_MAX_AGE_MS));
      }
      return;
    }
    if (!last.ok) {
      alerts.add(
          new Alert(
              RESTORE_TEST_FAILED,
              Severity.CRITICAL,
              last.id,
              "the last restore test ("
                  + last.startedAtIso
                  + ", "
                  + String.join(", ", last.tables)
                  + " to "
                  + last.timeIso
                  + ") failed: "
                  + last.error,
              "run rewind verify on the store (it names damaged or missing objects), fix what it names, and run the restore test again;"
                  + " until then restores of those tables may not be exact"));
    }
    long age = facts.generatedAt() - last.endedAt;
    if (age > maxAge) {
      alerts.add(
          new Alert(
              RESTORE_TEST_STALE,
              Severity.WARNING,
              last.id,
              "the last restore test ran "
                  + Durations.text(age)
                  + " ago ("
                  + last.endedAtIso
                  + "; threshold "
                  + Durations.text(maxAge)
                  + ")",
              run + "; the threshold is " + MonitorSettings.RESTORE_TEST_MAX_AGE_MS));
    }
  }

  private void bulkLoads(StatusReport facts, List<Alert> alerts) {
    if (facts.bulkLoads().isEmpty()) {
      return;
    }
    BulkLoadMarker last = facts.bulkLoads().get(facts.bulkLoads().size() - 1);
    String why =
        last.reason() == null || last.reason().isEmpty()
            ? "the endpoint of "
                + last.publisher()
                + " does not capture bulk loads (upgrade it, see docs/hbase-endpoint.md)"
            : last.reason();
    alerts.add(
        new Alert(
            BULK_LOAD,
            Severity.WARNING,
            last.queue(),
            facts.bulkLoads().size()
                + " bulk load(s) passed that the backup could not capture, the last one of queue "
                + last.queue()
                + " at "
                + TimeParser.format(last.brokerTime())
                + ": their data is not in the backup, because "
                + why,
            "fix the cause, then take a base of each table loaded (rewind base --tables ns:table): restores to times after it hold the"
                + " loaded data; the alert clears once the marker is older than "
                + MonitorSettings.PROGRESS_WINDOW_MS));
  }

  private void walBacklog(StatusReport facts, List<Alert> alerts) {
    WalBacklog backlog = facts.walBacklog();
    if (backlog == null || backlog.walsWaitingMax() < settings.walBacklogWarnWals()) {
      return;
    }
    List<WalBacklog.Queue> behind =
        backlog.queues().stream()
            .filter(q -> q.walsWaiting() >= settings.walBacklogWarnWals())
            .toList();
    WalBacklog.Queue worst = behind.get(0);
    Severity severity =
        worst.walsWaiting() >= settings.walBacklogCriticalWals()
            ? Severity.CRITICAL
            : Severity.WARNING;
    alerts.add(
        new Alert(
            WAL_BACKLOG,
            severity,
            worst.queue(),
            String.format(
                Locale.ROOT,
                "replication queue %s (shipped by %s%s) holds %d closed WALs not yet shipped, the oldest created %s ago;"
                    + " %d queue(s) hold at least %d (cluster snapshot read %s ago): the region server keeps every one of them on its"
                    + " disk until the queue ships it, and a full disk stops HBase",
                worst.queue(),
                worst.holder(),
                worst.recovered() ? ", claimed from a dead server" : "",
                worst.walsWaiting(),
                Durations.text(worst.oldestWalAgeMs()),
                behind.size(),
                settings.walBacklogWarnWals(),
                Durations.text(backlog.snapshotAgeMs())),
            "look at the replication source of that queue on "
                + worst.holder()
                + " (its region server log: Kafka unreachable, batches"
                + " retried, a stuck shipper) and that Kafka and the archivers keep up (group lag); free the source's disk if needed."
                + " Thresholds: "
                + MonitorSettings.WAL_BACKLOG_WARN
                + " and "
                + MonitorSettings.WAL_BACKLOG_CRITICAL
                + " (WALs), set from the disk the source has for WALs"));
  }
}
