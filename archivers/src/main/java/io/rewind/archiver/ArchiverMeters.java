package io.rewind.archiver;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * One archiver's {@link ArchiverMetrics} as Micrometer meters, tagged {@code archiver=<id>}
 * (Prometheus names): {@code rewind_archiver_records_consumed_total}, {@code
 * rewind_archiver_records_archived_total}, {@code rewind_archiver_segments_committed_total}, {@code
 * rewind_archiver_committed_bytes_total} (segment file bytes), {@code
 * rewind_archiver_invalid_records_total}, {@code rewind_archiver_commits_fenced_total}, {@code
 * rewind_archiver_segments_superseded_total}, {@code rewind_archiver_commit_failures_total}, {@code
 * rewind_archiver_segment_rolls_total{reason=size|age|...}} (see {@link RollReason}), {@code
 * rewind_archiver_partitions_stopped}, {@code rewind_archiver_segment_last_bytes} and {@code
 * rewind_archiver_store_commit_seconds_count/_sum} (writing a segment and its manifest; the mean is
 * rate(_sum) / rate(_count)).
 */
public final class ArchiverMeters implements MeterBinder {

  private final ArchiverMetrics metrics;
  private final Tags tags;

  public ArchiverMeters(Archiver archiver) {
    this.metrics = archiver.metrics();
    this.tags = Tags.of("archiver", archiver.id());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(
        registry,
        "rewind.archiver.records.consumed",
        null,
        "Records taken into segments (re-reads count again)",
        ArchiverMetrics::recordsConsumed);
    counter(
        registry,
        "rewind.archiver.records.archived",
        null,
        "Records in committed segments",
        ArchiverMetrics::recordsArchived);
    counter(
        registry,
        "rewind.archiver.segments.committed",
        null,
        "Segments committed (manifest written, offset committed)",
        ArchiverMetrics::segmentsCommitted);
    counter(
        registry,
        "rewind.archiver.committed",
        "bytes",
        "Segment file bytes committed (compressed)",
        ArchiverMetrics::bytesCommitted);
    counter(
        registry,
        "rewind.archiver.invalid.records",
        null,
        "Records that failed validation (archived and copied to the dead-letter topic)",
        ArchiverMetrics::invalidRecords);
    counter(
        registry,
        "rewind.archiver.commits.fenced",
        null,
        "Offset commits the group rejected (partition lost to another archiver)",
        ArchiverMetrics::commitsFenced);
    counter(
        registry,
        "rewind.archiver.segments.superseded",
        null,
        "Segments another archiver had already committed",
        ArchiverMetrics::segmentsSuperseded);
    counter(
        registry,
        "rewind.archiver.commit.failures",
        null,
        "Commits that failed (store or Kafka unavailable) and were retried",
        ArchiverMetrics::commitFailures);
    for (RollReason reason : RollReason.values()) {
      FunctionCounter.builder("rewind.archiver.segment.rolls", metrics, m -> m.rolls(reason))
          .description(
              "Segments sealed, by what rolled them: each costs a segment and a manifest PUT")
          .tags(tags.and("reason", reason.label()))
          .register(registry);
    }
    Gauge.builder("rewind.archiver.partitions.stopped", metrics, ArchiverMetrics::partitionsStopped)
        .description("Partitions stopped for data loss or log truncation")
        .tags(tags)
        .register(registry);
    Gauge.builder("rewind.archiver.segment.last", metrics, ArchiverMetrics::lastSegmentBytes)
        .description("Size of the newest committed segment file")
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
    FunctionTimer.builder(
            "rewind.archiver.store.commit",
            metrics,
            ArchiverMetrics::storeCommits,
            ArchiverMetrics::storeCommitNanos,
            TimeUnit.NANOSECONDS)
        .description("Writing a segment and then its manifest to the store")
        .tags(tags)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String unit,
      String description,
      ToDoubleFunction<ArchiverMetrics> f) {
    FunctionCounter.builder(name, metrics, f)
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .register(registry);
  }
}
