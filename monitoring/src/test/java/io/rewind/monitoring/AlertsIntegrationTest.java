package io.rewind.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rewind.archiver.Archiver;
import io.rewind.archiver.ArchiverMeters;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.producer.EditPublisher;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.stack.EmbeddedStack;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every alert provoked on real parts (KRaft broker, archiver, checkpoint app, simulated fleet) and
 * seen both in the collected status and in the Prometheus metrics. One stack for the class; the
 * tests run in order because the later ones stop the archiver for good.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(45);

  private EmbeddedStack stack;
  private RewindConfig config;
  private Topics topics;
  private CheckpointApp checkpoint;
  private Archiver archiver;
  private EditPublisher publisher;
  private StallingSink sink;
  private FleetSimulator fleet;
  private StatusSampler sampler;
  private PrometheusMeterRegistry prometheus;
  private Admin admin;
  private MetricsServer metricsServer;

  @BeforeAll
  void startPipeline() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(2).start();
    config =
        stack
            .config()
            .with(MonitorSettings.STALL_MS, "4000")
            .with(MonitorSettings.SAMPLE_INTERVAL_MS, "500");
    topics = new Topics(config.topicPrefix());
    admin = new KafkaClients(config).admin("alerts-test");
    checkpoint = new CheckpointApp(config);
    checkpoint.start();
    archiver = new Archiver(config, "alerts-test-archiver");
    archiver.start();
    publisher = new EditPublisher(config, "alerts-test-fleet");
    sink = new StallingSink(publisher);
    fleet =
        new FleetSimulator(
            SimulatorSettings.defaults()
                .servers(3)
                .editsPerSecond(300)
                .duration(Duration.ofSeconds(2))
                .deaths(0)
                .seed(11),
            sink,
            Clock.systemUTC());
    fleet.start();
    sampler = new StatusSampler(new StatusCollector(config)).start();
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new StatusMeters(sampler, config).bindTo(prometheus);
    // As `rewind archive --metrics-port` composes them: the archiver's own meters and the status's.
    new ArchiverMeters(archiver).bindTo(prometheus);
    metricsServer = MetricsServer.start(0, prometheus);
  }

  @AfterAll
  void stopPipeline() {
    for (AutoCloseable c :
        new AutoCloseable[] {
          metricsServer, sampler, fleet, publisher, archiver, checkpoint, admin, stack
        }) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  @Order(1)
  void aHealthyPipelineReportsEveryPartAndNoAlert() {
    StatusReport r =
        awaitReport(
            s ->
                s.checkpoint() != null
                    && s.checkpoint().rpoMs() < 3_000
                    && !s.tables().isEmpty()
                    && !s.clockSkew().isEmpty()
                    && s.alerts().isEmpty()
                    && s.groups().stream()
                        .allMatch(g -> g.memberCount() > 0 && !g.partitions().isEmpty()));

    assertThat(r.topics()).extracting(TopicStatus::name).containsExactlyElementsOf(topics.all());
    TopicStatus edits = r.topic(topics.edits()).orElseThrow();
    assertThat(edits.partitionCount()).isEqualTo(2);
    assertThat(edits.records()).isPositive();
    assertThat(edits.sizeBytes()).isPositive();
    assertThat(edits.retentionMs()).isEqualTo(config.getLong(RewindConfig.EDITS_RETENTION_MS));
    assertThat(r.groups())
        .extracting(GroupStatus::groupId)
        .containsExactly(
            config.get(RewindConfig.ARCHIVER_GROUP),
            config.get(RewindConfig.CHECKPOINT_APPLICATION_ID));
    GroupStatus archivers = r.group(config.get(RewindConfig.ARCHIVER_GROUP)).orElseThrow();
    assertThat(archivers.state()).isEqualTo("STABLE");
    assertThat(archivers.members().get(0).assignment())
        .contains(topics.edits() + "-0", topics.edits() + "-1");
    assertThat(archivers.partitions())
        .extracting(GroupStatus.PartitionLag::topic)
        .contains(topics.edits());
    assertThat(r.checkpoint().source()).isEqualTo("kafka");
    // C is held by a queue (rule effective-claim and the like) or by the membership guard (no
    // queue).
    assertThat(r.queues())
        .isNotEmpty()
        .filteredOn(QueueRow::holdsCheckpoint)
        .extracting(QueueRow::queue)
        .allMatch(q -> q.equals(r.checkpoint().heldBy()));
    if (r.checkpoint().heldBy() != null) {
      assertThat(r.queues()).extracting(QueueRow::queue).contains(r.checkpoint().heldBy());
    }
    assertThat(r.queues()).allSatisfy(q -> assertThat(q.rule()).isNotBlank());
    assertThat(r.segments()).hasSize(2).allSatisfy(s -> assertThat(s.newest()).isNotNull());
    assertThat(r.tables())
        .allSatisfy(
            t ->
                assertThat(t.earliestRestorable())
                    .isBetween(fleet.startTime() - 1_000, r.generatedAt()));
    assertThat(r.clockSkew()).extracting(PublisherSkew::publisher).contains("alerts-test-fleet");
    assertThat(r.archive().retentionUsed()).isLessThan(0.5);
    assertThat(scrape("rewind_status_rpo_seconds", null)).isBetween(0.0, 3.0);
    assertThat(scrape("rewind_alert_state", "alert=\"" + AlertRules.DLQ_NOT_EMPTY + "\"")).isZero();
    assertThat(
            scrape(
                "rewind_group_members",
                "group=\"" + config.get(RewindConfig.ARCHIVER_GROUP) + "\""))
        .isEqualTo(1.0);
  }

  @Test
  @Order(2)
  void theArchiversMetricsAreServedOverHttp() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(metricsServer.url())).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains(
            "rewind_archiver_records_archived_total{archiver=\"alerts-test-archiver\"}",
            "rewind_archiver_store_commit_seconds_count",
            "rewind_archiver_segment_last_bytes",
            "rewind_alert_state{alert=\"data-loss\"}",
            "rewind_archive_lag_seconds",
            "rewind_group_lag_records",
            "rewind_archiver_segment_rolls_total{archiver=\"alerts-test-archiver\",reason=\"size\"}");
    assertThat(scrape("rewind_archiver_segments_committed_total", null)).isPositive();
    assertThat(scrape("rewind_archiver_store_commit_seconds_sum", null)).isPositive();
  }

  @Test
  @Order(3)
  void aStalledServerHoldsTheCheckpointBackAndIsNamed() {
    String server = sink.anyServer();
    sink.stall(server);
    try {
      Alert stalled = awaitAlert(AlertRules.CHECKPOINT_STALLED, Severity.WARNING);
      assertThat(stalled.subject()).startsWith(server + "/");
      assertThat(stalled.reason()).contains("holds it back", "rule ", "last marker is");
    } finally {
      sink.resume();
    }
    awaitReport(s -> s.alertLevel(AlertRules.CHECKPOINT_STALLED).isEmpty());
  }

  @Test
  @Order(4)
  void aPoisonRecordRaisesTheDeadLetterAlert() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaClients(config).producer("alerts-test-poison")) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.edits(),
                  0,
                  "poison".getBytes(StandardCharsets.UTF_8),
                  new byte[] {1, 2, 3}))
          .get();
    }
    Alert dlq = awaitAlert(AlertRules.DLQ_NOT_EMPTY, Severity.WARNING);
    assertThat(dlq.reason()).startsWith("1 records in " + topics.dlq());
  }

  @Test
  @Order(5)
  void aBulkLoadMarkerRaisesAnAlert() {
    QueueRow q = sampler.latest().orElseThrow().queues().get(0);
    // A low bound: a claim below what the queue already proved changes nothing in the checkpoint.
    publisher.publishMarker(
        new QueueId(q.server(), q.walGroup()), fleet.startTime(), MarkerSource.BULK_LOAD);
    Alert bulk = awaitAlert(AlertRules.BULK_LOAD, Severity.WARNING);
    assertThat(bulk.subject()).isEqualTo(q.queue());
    assertThat(scrape("rewind_bulkload_markers", null)).isEqualTo(1.0);
  }

  @Test
  @Order(6)
  void clockSkewBeyondTheMarginRaisesAnAlert() {
    QueueRow q = sampler.latest().orElseThrow().queues().get(0);
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMillis(-3_000));
    try (EditPublisher skewed =
        new EditPublisher(config, "rs-behind", behind, EditPublisher.Options.defaults())) {
      skewed.publishMarker(
          new QueueId(q.server(), q.walGroup()), fleet.startTime(), MarkerSource.CHORE);
    }
    Alert skew = awaitAlert(AlertRules.CLOCK_SKEW, Severity.CRITICAL);
    assertThat(skew.subject()).isEqualTo("rs-behind");
    assertThat(skew.reason()).contains("behind the broker's");
    assertThat(scrape("rewind_clock_skew_seconds", null)).isGreaterThan(2.9);
  }

  @Test
  @Order(7)
  void aStoppedArchiverLeavesItsGroupWithoutMembers() {
    archiver.close();
    Alert inactive = awaitAlert(AlertRules.GROUP_INACTIVE, Severity.CRITICAL);
    assertThat(inactive.subject()).isEqualTo(config.get(RewindConfig.ARCHIVER_GROUP));
    assertThat(
            scrape(
                "rewind_group_members",
                "group=\"" + config.get(RewindConfig.ARCHIVER_GROUP) + "\""))
        .isZero();
  }

  @Test
  @Order(8)
  void archiveLagNearingRetentionWarnsThenTurnsCritical() throws Exception {
    setEditsRetention(10_000);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaClients(config).producer("alerts-test-unarchived")) {
      for (int i = 0; i < 10; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.edits(),
                    0,
                    System.currentTimeMillis(),
                    ("k" + i).getBytes(StandardCharsets.UTF_8),
                    new byte[] {0}))
            .get();
      }
    }
    Alert warning = awaitAlert(AlertRules.ARCHIVE_LAG_RETENTION, Severity.WARNING);
    assertThat(warning.subject()).isEqualTo(topics.edits() + " partitions 0");
    Alert critical = awaitAlert(AlertRules.ARCHIVE_LAG_RETENTION, Severity.CRITICAL);
    assertThat(critical.reason()).contains("10 records are not archived yet");
    assertThat(scrape("rewind_archive_retention_used_ratio", null)).isGreaterThanOrEqualTo(0.8);
    assertThat(scrape("rewind_archive_unarchived_records", null)).isEqualTo(10.0);
  }

  @Test
  @Order(9)
  void offsetsExpiredBeforeArchivingAreDataLoss() throws Exception {
    TopicPartition p0 = new TopicPartition(topics.edits(), 0);
    long end =
        sampler
            .latest()
            .orElseThrow()
            .topic(topics.edits())
            .orElseThrow()
            .partitions()
            .get(0)
            .endOffset();
    admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(end))).all().get();
    Alert loss = awaitAlert(AlertRules.DATA_LOSS, Severity.CRITICAL);
    assertThat(loss.subject()).isEqualTo(topics.edits() + "-0");
    assertThat(loss.reason()).contains("the log now starts at " + end);
    assertThat(scrape("rewind_alert_state", "alert=\"" + AlertRules.DATA_LOSS + "\""))
        .isEqualTo(2.0);
  }

  private void setEditsRetention(long ms) throws Exception {
    ConfigResource edits = new ConfigResource(ConfigResource.Type.TOPIC, topics.edits());
    Collection<AlterConfigOp> ops =
        List.of(
            new AlterConfigOp(
                new ConfigEntry("retention.ms", String.valueOf(ms)), AlterConfigOp.OpType.SET));
    admin.incrementalAlterConfigs(Map.of(edits, ops)).all().get();
  }

  private StatusReport awaitReport(Predicate<StatusReport> condition) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> sampler.latest().filter(condition).orElse(null), r -> r != null);
  }

  /** Waits until the alert is in the status at this severity and the metric shows it too. */
  private Alert awaitAlert(String id, Severity severity) {
    StatusReport r = awaitReport(s -> s.alertLevel(id).map(l -> l == severity).orElse(false));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(scrape("rewind_alert_state", "alert=\"" + id + "\""))
                    .isGreaterThanOrEqualTo(severity.level()));
    return r.alerts().stream()
        .filter(a -> a.id().equals(id) && a.severity() == severity)
        .findFirst()
        .orElseThrow();
  }

  /** The value of a series in the Prometheus text exposition. */
  private double scrape(String name, String label) {
    Pattern p =
        Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(prometheus.scrape());
    while (m.find()) {
      if (label == null || (m.group(1) != null && m.group(1).contains(label))) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError(
        "no series "
            + name
            + (label == null ? "" : "{" + label + "}")
            + " in:\n"
            + prometheus.scrape());
  }
}
