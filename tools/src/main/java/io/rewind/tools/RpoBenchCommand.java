package io.rewind.tools;

import io.rewind.archiver.Archiver;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.checkpoint.CheckpointMetrics;
import io.rewind.cli.DurationConverter;
import io.rewind.cli.RunOptions;
import io.rewind.cli.StoreRequestsField;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.StoreRequests;
import io.rewind.producer.EditPublisher;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.EmbeddedStack;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench rpo}: the recovery point under load. A simulated fleet writes at a fixed rate
 * into the embedded stack while the archiver and the checkpoint app run; after a warm-up, every
 * sample interval the bench takes now minus the newest checkpoint committed to the checkpoints
 * topic (what a restore may trust) and reports its p50, p99 and max, with the edit rate the fleet
 * achieved.
 */
@Command(
    name = "rpo",
    mixinStandardHelpOptions = true,
    description =
        "RPO (now - published checkpoint) under a simulated load on the embedded stack, with the archiver and checkpoint app.")
final class RpoBenchCommand implements Callable<Integer> {

  static final long GOAL_P99_MS = 2_000;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Measured time, after the warm-up (default: ${DEFAULT-VALUE}).")
  Duration duration = Duration.ofSeconds(60);

  @Option(
      names = "--sample-interval",
      converter = DurationConverter.class,
      description = "How often the RPO is sampled (default: ${DEFAULT-VALUE}).")
  Duration sampleInterval = Duration.ofMillis(100);

  @Option(
      names = "--deaths",
      description = "Region servers that die during the run (default: ${DEFAULT-VALUE}).")
  int deaths = 0;

  @Mixin FleetLoadOptions load;

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter say = new PrintWriter(System.err, true);
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-rpo-",
        (dir, report) -> {
          try (EmbeddedStack stack = load.startStack(dir)) {
            report.putAll(run(load.config(stack), say));
          }
        },
        report ->
            String.format(
                "achieved %,.0f edits/s (target %,d); RPO p50 %s ms, p99 %s ms, max %s ms over %d samples; goal p99 <= %d ms: %s;"
                    + " %s segments per partition per second",
                Figures.real(report.get("edits_per_second")),
                load.rate,
                report.get("rpo_ms_p50"),
                report.get("rpo_ms_p99"),
                report.get("rpo_ms_max"),
                Figures.whole(report.get("samples")),
                GOAL_P99_MS,
                report.get("goal_met"),
                report.get("segments_per_partition_per_second")));
  }

  private Map<String, Object> run(RewindConfig config, PrintWriter say) throws Exception {
    SimulatorSettings workload =
        load.fleet().duration(load.warmup.plus(duration).plusSeconds(5)).deaths(deaths);
    LatencySamples rpo = new LatencySamples();
    LatencySamples computed = new LatencySamples();
    int missing = 0;
    long editsAtStart;
    long editsAtEnd;
    long measuredMs;
    long cpuAtStart;
    long cpuAtEnd;
    long gcAtStart;
    long gcAtEnd;
    long segmentsAtStart;
    long segmentsAtEnd;
    StoreRequests archiverRequests;
    StoreRequests checkpointRequests;
    Map<String, Object> archiverFigures = new LinkedHashMap<>();
    Map<String, Object> checkpointFigures = new LinkedHashMap<>();
    try (CheckpointApp checkpoint = new CheckpointApp(config);
        Archiver archiver = new Archiver(config, "bench-archiver-1");
        EditPublisher publisher = new EditPublisher(config, "bench-fleet");
        CommittedCheckpoint committed = new CommittedCheckpoint(config)) {
      checkpoint.start();
      archiver.start();
      committed.start();
      // Load starts once the archiver group and the app own their partitions: edits written while
      // they
      // join would be a backlog of the bench's start-up, which the loaded machine then takes long
      // to drain.
      awaitConsumersReady(config, checkpoint, say);
      try (FleetSimulator fleet = new FleetSimulator(workload, publisher, Clock.systemUTC())) {
        say.printf(
            "fleet of %d servers at %,d edits/s: %d s warm-up, then %d s sampled every %d ms%n",
            load.servers,
            load.rate,
            load.warmup.toSeconds(),
            duration.toSeconds(),
            sampleInterval.toMillis());
        fleet.start();
        Thread.sleep(load.warmup.toMillis());
        editsAtStart = fleet.editsPublished();
        cpuAtStart = processCpuNanos();
        gcAtStart = gcMillis();
        segmentsAtStart = archiver.metrics().segmentsCommitted();
        StoreRequests archiverAtStart = archiver.storeRequests();
        StoreRequests checkpointAtStart = checkpoint.storeRequests();
        long start = System.currentTimeMillis();
        long end = start + duration.toMillis();
        long reportEvery = run.verbose ? 1_000 : 10_000;
        long nextReport = start + reportEvery;
        for (long next = start; next < end; next += sampleInterval.toMillis()) {
          long wait = next - System.currentTimeMillis();
          if (wait > 0) {
            Thread.sleep(wait);
          }
          long c = committed.time();
          long now = System.currentTimeMillis();
          if (c == Long.MIN_VALUE) {
            missing++;
          } else {
            rpo.add(now - c);
          }
          checkpoint.latest().ifPresent(latest -> computed.add(now - latest.time()));
          if (now >= nextReport) {
            say.printf(
                "  +%2d s: %,d edits published, %,d archived; RPO now %d ms (computed, not yet committed: %d ms)%n",
                (now - start) / 1000,
                fleet.editsPublished(),
                archiver.metrics().recordsArchived(),
                c == Long.MIN_VALUE ? -1 : now - c,
                checkpoint.latest().map(l -> now - l.time()).orElse(-1L));
            nextReport += reportEvery;
          }
        }
        measuredMs = System.currentTimeMillis() - start;
        editsAtEnd = fleet.editsPublished();
        cpuAtEnd = processCpuNanos();
        gcAtEnd = gcMillis();
        segmentsAtEnd = archiver.metrics().segmentsCommitted();
        archiverRequests = archiver.storeRequests().minus(archiverAtStart);
        checkpointRequests = checkpoint.storeRequests().minus(checkpointAtStart);
      }
      archiverFigures.put("records_archived", archiver.metrics().recordsArchived());
      archiverFigures.put("segments_committed", archiver.metrics().segmentsCommitted());
      // Each roll costs a segment and a manifest PUT: what rolled them, over the whole run.
      archiverFigures.put("segment_rolls", archiver.metrics().rollsByReason());
      archiverFigures.put("store_requests", archiverRequests);
      checkpointFigures.put("events_processed", checkpoint.metrics().processed());
      long progressProcessed =
          checkpoint.metrics().processed(CheckpointMetrics.MARKER)
              + checkpoint.metrics().processed(CheckpointMetrics.SNAPSHOT);
      checkpointFigures.put("progress_records_processed", progressProcessed);
      // Against what was published: a lag here means the app, not the archive, holds C back.
      checkpointFigures.put("progress_records_published", progressEndOffset(config));
      checkpointFigures.put("decreases", checkpoint.decreases());
      checkpointFigures.put("store_requests", checkpointRequests);
    }

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("bench", "rpo");
    r.put("target_edits_per_second", load.rate);
    r.put("servers", load.servers);
    r.put("duration_s", duration.toSeconds());
    r.put("warmup_s", load.warmup.toSeconds());
    r.put("edits_per_second", Math.round((editsAtEnd - editsAtStart) * 1000.0 / measuredMs));
    r.put("rpo_ms_p50", rpo.percentile(50));
    r.put("rpo_ms_p99", rpo.percentile(99));
    r.put("rpo_ms_max", rpo.max());
    r.put("samples", rpo.size());
    r.put("computed_rpo_ms_p50", computed.percentile(50));
    r.put("computed_rpo_ms_p99", computed.percentile(99));
    r.put("samples_without_checkpoint", missing);
    r.put("partitions", load.partitions);
    // Level-0 objects: segments (each with its manifest) committed in the sampled window.
    r.put(
        "segments_per_partition_per_second",
        Math.round((segmentsAtEnd - segmentsAtStart) * 100_000.0 / measuredMs / load.partitions)
            / 100.0);
    r.put("goal", "rpo_ms_p99 <= " + GOAL_P99_MS);
    r.put("goal_met", rpo.size() > 0 && missing == 0 && rpo.percentile(99) <= GOAL_P99_MS);
    r.put("cores", Runtime.getRuntime().availableProcessors());
    // What this JVM (broker, fleet, archiver, app) used of the machine in the sampled window:
    // unlike
    // the RPO, it does not depend on what else runs, so runs on a busy machine stay comparable.
    r.put("process_cpu_seconds", Math.round((cpuAtEnd - cpuAtStart) / 1e6) / 1000.0);
    r.put("process_cpu_cores_used", Math.round((cpuAtEnd - cpuAtStart) / 1e4 / measuredMs) / 100.0);
    r.put(
        "cpu_ms_per_1000_edits",
        editsAtEnd > editsAtStart
            ? Math.round((double) (cpuAtEnd - cpuAtStart) / (editsAtEnd - editsAtStart)) / 1000.0
            : null);
    r.put("gc_ms", gcAtEnd - gcAtStart);
    r.put("heap_max_mb", Runtime.getRuntime().maxMemory() >> 20);
    r.put(
        "jvm_gc",
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList());
    // Other work on the machine shows in the figures: say how busy it was.
    r.put(
        "load_average_1m_at_end",
        Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
            / 100.0);
    Map<String, Object> knobs = new LinkedHashMap<>();
    for (String key :
        List.of(
            RewindConfig.CHECKPOINT_MARGIN_MS,
            RewindConfig.SEGMENT_MAX_AGE_MS,
            RewindConfig.CHECKPOINT_POLL_MS)) {
      knobs.put(key, config.get(key));
    }
    knobs.put(
        "streams.commit.interval.ms",
        config.getOrDefault(
            "streams.commit.interval.ms", String.valueOf(CheckpointApp.COMMIT_INTERVAL_MS)));
    knobs.putAll(load.settings);
    r.put("settings", knobs);
    // The archiver's and the checkpoint app's, in the sampled window.
    r.put(StoreRequestsField.NAME, archiverRequests.plus(checkpointRequests));
    r.put("archiver", archiverFigures);
    r.put("checkpoint_app", checkpointFigures);
    r.put(
        "note",
        "RPO sample = wall clock now - the newest global checkpoint committed to the checkpoints topic (read_committed),"
            + " every sample interval after the warm-up; computed_rpo_* uses the checkpoint the app computed, before its commit; edits_per_second counts edit records the fleet had acknowledged by Kafka"
            + " in the sampled window (re-shipments after deaths included). Everything (broker, fleet, archiver, checkpoint app)"
            + " shares this JVM and machine. storeRequests and store_requests count the sampled window; segment_rolls the whole run.");
    return r;
  }

  static void awaitConsumersReady(RewindConfig config, CheckpointApp checkpoint, PrintWriter say)
      throws Exception {
    String group = config.get(RewindConfig.ARCHIVER_GROUP);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Admin admin = new KafkaClients(config).admin("bench-rpo-ready")) {
      while (true) {
        boolean streamsRunning =
            checkpoint.state().map(s -> s == KafkaStreams.State.RUNNING).orElse(false);
        ConsumerGroupDescription archivers =
            admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        boolean archiversAssigned =
            archivers.groupState() == GroupState.STABLE
                && archivers.members().stream()
                    .anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
        if (streamsRunning && archiversAssigned) {
          return;
        }
        if (System.nanoTime() > deadline) {
          say.printf(
              "warning: starting the load before the consumers are ready (checkpoint app running: %s, archiver group %s stable and assigned: %s)%n",
              streamsRunning, group, archiversAssigned);
          return;
        }
        Thread.sleep(100);
      }
    }
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
        : 0;
  }

  /** Milliseconds the collectors spent collecting (for G1, its pauses). */
  private static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  private static long progressEndOffset(RewindConfig config) throws Exception {
    try (Admin admin = new KafkaClients(config).admin("bench-rpo")) {
      TopicPartition tp = new TopicPartition(new Topics(config.topicPrefix()).progress(), 0);
      return admin
          .listOffsets(Map.of(tp, OffsetSpec.latest()))
          .partitionResult(tp)
          .get(30, TimeUnit.SECONDS)
          .offset();
    }
  }

  /**
   * The newest global checkpoint committed to the checkpoints topic, followed by a read_committed
   * consumer.
   */
  private static final class CommittedCheckpoint implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Deserializer<Checkpoint> deserializer;
    private final AtomicLong time = new AtomicLong(Long.MIN_VALUE);
    private final Thread thread;

    CommittedCheckpoint(RewindConfig config) {
      this.topic = new Topics(config.topicPrefix()).checkpoints();
      this.consumer = new KafkaClients(config).consumer("bench-rpo-checkpoints", null);
      this.deserializer = new SerdeFactory(config.registryUrl()).deserializer(Checkpoint.class);
      this.thread = new Thread(this::follow, "bench-rpo-checkpoints");
      this.thread.setDaemon(true);
    }

    void start() {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      thread.start();
    }

    long time() {
      return time.get();
    }

    private void follow() {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (r.value() != null && "global".equals(new String(r.key(), StandardCharsets.UTF_8))) {
              time.set(deserializer.deserialize(topic, r.value()).getTime());
            }
          }
        }
      } catch (InterruptException stopped) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
