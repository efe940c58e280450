package io.rewind.checkpoint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checkpoint app's meters (Prometheus names in brackets): the checkpoint time [{@code
 * rewind_checkpoint_time_seconds}], the RPO, now minus the checkpoint [{@code
 * rewind_checkpoint_rpo_seconds}], computed decreases [{@code rewind_checkpoint_decreases_total}],
 * known queues [{@code rewind_checkpoint_queues}] and events processed by type [{@code
 * rewind_checkpoint_events_total{type=...}}].
 */
public final class CheckpointMetrics {

  public static final String TIME = "rewind.checkpoint.time";
  public static final String RPO = "rewind.checkpoint.rpo";
  public static final String DECREASES = "rewind.checkpoint.decreases";
  public static final String QUEUES = "rewind.checkpoint.queues";
  public static final String EVENTS = "rewind.checkpoint.events";

  /** The {@code type} tag values of {@link #EVENTS}. */
  public static final String SNAPSHOT = "snapshot";

  public static final String MARKER = "marker";
  public static final String ARCHIVED = "archived";
  public static final String END_OFFSETS = "end_offsets";

  private final Counter decreases;
  private final Map<String, Counter> events = new TreeMap<>();

  public CheckpointMetrics(MeterRegistry registry, CheckpointStatus status, Clock clock) {
    decreases =
        Counter.builder(DECREASES)
            .description("Computed checkpoints lower than the previous one: broken promises")
            .register(registry);
    for (String type : new String[] {SNAPSHOT, MARKER, ARCHIVED, END_OFFSETS}) {
      events.put(
          type,
          Counter.builder(EVENTS)
              .description(
                  "Events the checkpoint rules processed: progress records, archived segments, end-offset polls")
              .tag("type", type)
              .register(registry));
    }
    Gauge.builder(
            TIME, status, s -> s.latest().map(l -> l.result().time() / 1000.0).orElse(Double.NaN))
        .description(
            "The checkpoint C (seconds since the epoch): every edit written at or before it is archived")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            RPO,
            status,
            s ->
                s.latest()
                    .map(l -> (clock.millis() - l.result().time()) / 1000.0)
                    .orElse(Double.NaN))
        .description("Now minus the checkpoint: the recovery point objective this instant")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(QUEUES, status, CheckpointStatus::queueCount)
        .description("Replication queues the checkpoint app knows")
        .register(registry);
  }

  void decreased() {
    decreases.increment();
  }

  public long decreases() {
    return (long) decreases.count();
  }

  void count(String type) {
    events.get(type).increment();
  }

  /** Events of one {@code type} ({@link #SNAPSHOT}, {@link #MARKER}, ...) processed. */
  public long processed(String type) {
    Counter c = events.get(type);
    return c == null ? 0 : (long) c.count();
  }

  public long processed() {
    return (long) events.values().stream().mapToDouble(Counter::count).sum();
  }
}
