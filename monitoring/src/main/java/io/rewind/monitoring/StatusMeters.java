package io.rewind.monitoring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.Topics;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The status as meters, for every long-running process (Prometheus names in brackets): {@code
 * rewind_status_rpo_seconds} (now minus the published checkpoint), {@code
 * rewind_archive_lag_seconds} (age of the oldest unarchived edit), {@code
 * rewind_archive_unarchived_records}, {@code rewind_archive_retention_used_ratio} (that age over
 * the edits topic's retention), {@code rewind_group_members{group}}, {@code
 * rewind_group_lag_records{group}}, {@code rewind_group_lag_seconds{group}}, {@code
 * rewind_dlq_records}, {@code rewind_clock_skew_seconds} (largest estimated skew of any publisher,
 * absolute), {@code rewind_bulkload_markers}, {@code rewind_alert_state{alert}} (0 none, 1 warning,
 * 2 critical, one series per alert id), the source's WAL backlog from the newest cluster snapshot
 * ({@code rewind_source_wal_backlog_waiting_max}, {@code _waiting_total}, {@code
 * rewind_source_wal_oldest_age_seconds}, and {@code rewind_source_wal_backlog_waiting{queue}} for
 * each queue holding at least one closed WAL, so the series grow with trouble, not with the
 * cluster) and {@code rewind_status_collection_failures_total}. Values are NaN before the first
 * collection.
 */
public final class StatusMeters implements MeterBinder {

  private final StatusSampler sampler;
  private final List<String> groups;
  private final String dlqTopic;

  /**
   * Meters over the sampler's reports for the pipeline {@code config} describes (its groups and
   * topics).
   */
  public StatusMeters(StatusSampler sampler, RewindConfig config) {
    this.sampler = sampler;
    this.groups =
        List.of(
            config.get(RewindConfig.ARCHIVER_GROUP),
            config.get(RewindConfig.CHECKPOINT_APPLICATION_ID));
    this.dlqTopic = new Topics(config.topicPrefix()).dlq();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(
        registry,
        "rewind.status.rpo",
        "seconds",
        "Now minus the published checkpoint C: the RPO this instant",
        r -> r.checkpoint() == null ? Double.NaN : r.checkpoint().rpoMs() / 1000.0);
    gauge(
        registry,
        "rewind.archive.lag",
        "seconds",
        "Age of the oldest edit not yet in a committed segment",
        r -> r.archive() == null ? Double.NaN : r.archive().oldestUnarchivedAgeMs() / 1000.0);
    gauge(
        registry,
        "rewind.archive.unarchived.records",
        null,
        "Edits above the archived frontier, all partitions",
        r -> r.archive() == null ? Double.NaN : r.archive().unarchivedRecords());
    gauge(
        registry,
        "rewind.archive.retention.used.ratio",
        null,
        "Age of the oldest unarchived edit over retention.ms of the edits topic (1 = expiring unarchived)",
        r -> r.archive() == null ? Double.NaN : r.archive().retentionUsed());
    gauge(
        registry,
        "rewind.dlq.records",
        null,
        "Records in the dead-letter topic",
        r -> r.topic(dlqTopic).map(TopicStatus::records).orElse(0L));
    gauge(
        registry,
        "rewind.clock.skew",
        "seconds",
        "Largest estimated clock skew of a progress publisher against the broker (absolute)",
        r ->
            r.clockSkew().stream().mapToLong(s -> Math.abs(s.estimatedSkewMs())).max().orElse(0)
                / 1000.0);
    gauge(
        registry,
        "rewind.bulkload.markers",
        null,
        "Bulk-load markers seen in the progress window",
        r -> r.bulkLoads().size());
    gauge(
        registry,
        "rewind.source.wal.backlog.waiting.max",
        null,
        "Most closed WALs one replication queue holds unshipped (newest cluster snapshot)",
        r -> r.walBacklog() == null ? Double.NaN : r.walBacklog().walsWaitingMax());
    gauge(
        registry,
        "rewind.source.wal.backlog.waiting.total",
        null,
        "Closed WALs held unshipped over every replication queue",
        r -> r.walBacklog() == null ? Double.NaN : r.walBacklog().walsWaitingTotal());
    gauge(
        registry,
        "rewind.source.wal.oldest.age",
        "seconds",
        "Age of the oldest WAL a replication queue holds",
        r -> r.walBacklog() == null ? Double.NaN : r.walBacklog().oldestWalAgeMs() / 1000.0);
    MultiGauge perQueue =
        MultiGauge.builder("rewind.source.wal.backlog.waiting")
            .description(
                "Closed WALs the replication queue holds unshipped (queues holding none have no series)")
            .register(registry);
    sampler.onSample(
        r ->
            perQueue.register(
                r.walBacklog() == null
                    ? List.of()
                    : r.walBacklog().queues().stream()
                        .filter(q -> q.walsWaiting() > 0)
                        .map(
                            q ->
                                MultiGauge.Row.of(
                                    Tags.of("queue", q.queue(), "holder", q.holder()),
                                    q.walsWaiting()))
                        .collect(Collectors.toList()),
                true));
    gauge(
        registry,
        "rewind.restore.test.age",
        "seconds",
        "Age of the last restore test recorded in the store (NaN: none ran)",
        r ->
            r.restoreTest() == null
                ? Double.NaN
                : (r.generatedAt() - r.restoreTest().endedAt) / 1000.0);
    gauge(
        registry,
        "rewind.restore.test.ok",
        null,
        "Outcome of the last restore test: 1 passed, 0 failed (NaN: none ran)",
        r -> r.restoreTest() == null ? Double.NaN : r.restoreTest().ok ? 1 : 0);
    gauge(
        registry,
        "rewind.restore.test.rto",
        "seconds",
        "Restore time measured by the last restore test (its sample's RTO)",
        r -> r.restoreTest() == null ? Double.NaN : r.restoreTest().restoreMs / 1000.0);
    for (String group : groups) {
      groupGauge(
          registry,
          group,
          "rewind.group.members",
          null,
          "Active members of the pipeline's consumer group",
          GroupStatus::memberCount);
      groupGauge(
          registry,
          group,
          "rewind.group.lag.records",
          null,
          "Records between the group's committed and end offsets",
          GroupStatus::lagRecords);
      groupGauge(
          registry,
          group,
          "rewind.group.lag",
          "seconds",
          "Largest per-partition lag of the group in seconds (record timestamps)",
          GroupStatus::lagSeconds);
    }
    for (String id : AlertRules.IDS) {
      Gauge.builder(
              "rewind.alert.state",
              sampler,
              s ->
                  s.latest()
                      .map(r -> (double) r.alertLevel(id).map(Severity::level).orElse(0))
                      .orElse(Double.NaN))
          .description("Alert state: 0 none, 1 warning, 2 critical")
          .tag("alert", id)
          .register(registry);
    }
    FunctionCounter.builder("rewind.status.collection.failures", sampler, StatusSampler::failures)
        .description("Status collections that failed (Kafka or the store unreachable)")
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String unit,
      String description,
      ToDoubleFunction<StatusReport> value) {
    Gauge.builder(name, sampler, s -> s.latest().map(value::applyAsDouble).orElse(Double.NaN))
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }

  private void groupGauge(
      MeterRegistry registry,
      String group,
      String name,
      String unit,
      String description,
      ToDoubleFunction<GroupStatus> value) {
    Gauge.builder(
            name,
            sampler,
            s ->
                s.latest()
                    .flatMap(r -> r.group(group))
                    .map(value::applyAsDouble)
                    .orElse(Double.NaN))
        .description(description)
        .baseUnit(unit)
        .tag("group", group)
        .register(registry);
  }
}
