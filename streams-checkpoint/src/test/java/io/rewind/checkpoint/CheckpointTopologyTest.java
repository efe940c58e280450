package io.rewind.checkpoint;

import static io.rewind.checkpoint.ProgressRecords.archived;
import static io.rewind.checkpoint.ProgressRecords.marker;
import static io.rewind.checkpoint.ProgressRecords.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.Topics;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueCheckpoint;
import io.rewind.schemas.serde.SerdeFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CheckpointTopologyTest {

  private static final long MARGIN = 500;
  private static final long POLL_MS = 200;
  private static final QueueKey RS1 = new QueueKey("rs1,16020,1", "rs1%2C16020%2C1");
  private static final QueueKey RS2 = new QueueKey("rs2,16020,1", "rs2%2C16020%2C1");

  @TempDir Path stateDir;

  private final Topics topics = new Topics("rewind.");
  private final SerdeFactory serdes = new SerdeFactory(null);
  private final AtomicReference<long[]> endOffsets = new AtomicReference<>(new long[] {0, 0});
  private final List<CheckpointResult> published = new ArrayList<>();
  private final CheckpointStatus status = new CheckpointStatus(Clock.systemUTC());
  private final CheckpointMetrics metrics =
      new CheckpointMetrics(new SimpleMeterRegistry(), status, Clock.systemUTC());
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], ProgressEvent> progress;
  private TestInputTopic<byte[], ArchivedSegment> archivedTopic;
  private TestOutputTopic<String, byte[]> checkpoints;

  @BeforeEach
  void start() {
    CheckpointListener listener =
        new CheckpointListener() {
          @Override
          public void published(CheckpointResult result, Checkpoint record) {
            published.add(result);
            status.published(result, record);
          }

          @Override
          public void queuesChanged(Map<QueueKey, Optional<QueueView>> changes) {
            status.queuesChanged(changes);
          }
        };
    RewindConfig config =
        RewindConfig.of(
            Map.of(
                RewindConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                RewindConfig.CHECKPOINT_STATE_DIR, stateDir.toString(),
                RewindConfig.STORE_URI, stateDir.toUri().toString()));
    // The app's own settings, so the test runs with its exception handler and guarantees.
    Properties p = new CheckpointApp(config).streamsProperties();
    driver =
        new TopologyTestDriver(
            CheckpointTopology.build(
                topics, serdes, endOffsets::get, POLL_MS, MARGIN, listener, metrics),
            p,
            Instant.ofEpochMilli(1_000_000));
    progress =
        driver.createInputTopic(
            topics.progress(), new ByteArraySerializer(), serdes.serializer(ProgressEvent.class));
    archivedTopic =
        driver.createInputTopic(
            topics.archived(), new ByteArraySerializer(), serdes.serializer(ArchivedSegment.class));
    checkpoints =
        driver.createOutputTopic(
            topics.checkpoints(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void poll(long... end) {
    endOffsets.set(end);
    driver.advanceWallClockTime(Duration.ofMillis(POLL_MS));
  }

  private Map<String, byte[]> drainCheckpoints(List<Checkpoint> globals) {
    Map<String, byte[]> rows = new HashMap<>();
    for (KeyValue<String, byte[]> kv : checkpoints.readKeyValuesToList()) {
      if (kv.key.equals("global")) {
        globals.add(
            serdes.deserializer(Checkpoint.class).deserialize(topics.checkpoints(), kv.value));
      } else {
        rows.put(kv.key, kv.value);
      }
    }
    return rows;
  }

  @Test
  void checkpointIsForwardedWhenClaimsBecomeEffectiveAndQueueRowsFollow() {
    progress.pipeInput(snapshot(10_000, MARGIN, RS1, 9_000L, RS2, 9_500L));
    assertThat(checkpoints.isEmpty()).as("first snapshot: no claim effective yet").isTrue();
    poll(0, 0);

    List<Checkpoint> globals = new ArrayList<>();
    Map<String, byte[]> rows = drainCheckpoints(globals);
    assertThat(globals).hasSize(1);
    assertThat(globals.get(0).getTime()).isEqualTo(9_000 - MARGIN - 1);
    assertThat(globals.get(0).getHeldBy().getServer()).isEqualTo(RS1.server());
    assertThat(globals.get(0).getRule()).isEqualTo(CheckpointRules.RULE_EFFECTIVE_CLAIM);
    assertThat(rows).containsKeys("queue:" + RS1, "queue:" + RS2);
    QueueCheckpoint row =
        serdes
            .deserializer(QueueCheckpoint.class)
            .deserialize(topics.checkpoints(), rows.get("queue:" + RS1));
    assertThat(row.getContribution()).isEqualTo(9_000 - MARGIN);

    // Markers count once the archive reaches the end offsets polled after them.
    progress.pipeInput(marker(RS1, 12_000, MARGIN));
    progress.pipeInput(marker(RS2, 12_500, MARGIN));
    progress.pipeInput(snapshot(13_000, MARGIN, RS1, 11_000L, RS2, 11_000L));
    poll(3, 1);
    globals.clear();
    rows = drainCheckpoints(globals);
    assertThat(globals).as("no claim effective yet").isEmpty();
    assertThat(rows)
        .as("rows with the new marker send times")
        .containsKeys("queue:" + RS1, "queue:" + RS2);
    archivedTopic.pipeInput(archived(0, 0, 3));
    assertThat(checkpoints.isEmpty()).as("partition 1 not archived yet").isTrue();
    archivedTopic.pipeInput(archived(1, 0, 1));
    globals.clear();
    drainCheckpoints(globals);
    assertThat(globals).extracting(Checkpoint::getTime).containsExactly(12_000 - MARGIN - 1);

    // rs1 leaves the storage; once its removal is archived its row is deleted.
    progress.pipeInput(snapshot(14_000, MARGIN, RS2, 13_000L));
    poll(3, 1);
    globals.clear();
    rows = drainCheckpoints(globals);
    assertThat(globals).extracting(Checkpoint::getTime).containsExactly(13_000 - MARGIN - 1);
    assertThat(rows).containsKey("queue:" + RS1);
    assertThat(rows.get("queue:" + RS1)).isNull();
    assertThat(published)
        .extracting(CheckpointResult::time)
        .containsExactly(8_499L, 11_499L, 12_499L);
    assertThat(metrics.decreases()).isZero();
  }

  @Test
  void storeHoldsTheRulesStateAfterEveryEvent() {
    progress.pipeInput(snapshot(10_000, MARGIN, RS1, 9_000L));
    poll(4, 0);
    archivedTopic.pipeInput(archived(0, 0, 2));
    progress.pipeInput(marker(RS1, 12_000, MARGIN));

    KeyValueStore<String, byte[]> store = driver.getKeyValueStore(CheckpointTopology.STORE);
    Map<String, byte[]> entries = new HashMap<>();
    store.all().forEachRemaining(kv -> entries.put(kv.key, kv.value));
    CheckpointRules restored = CheckpointRules.importState(entries);

    assertThat(restored.frontier(0)).isEqualTo(2);
    assertThat(restored.current()).isEmpty();
    restored.onArchived(0, 2, 4);
    assertThat(restored.current().orElseThrow().time()).isEqualTo(9_000 - MARGIN - 1);
    restored.onEndOffsets(new long[] {4, 0});
    assertThat(restored.current().orElseThrow().time()).isEqualTo(10_000 - MARGIN - 1);
  }

  @Test
  void decreaseIsPublishedRaisesCriticalAlertNamingTheQueueAndIsCounted() {
    Logger log = (Logger) LoggerFactory.getLogger(CheckpointProcessor.class);
    ListAppender<ILoggingEvent> alerts = new ListAppender<>();
    alerts.start();
    log.addAppender(alerts);
    try {
      progress.pipeInput(snapshot(10_000, MARGIN, RS1, 9_000L));
      progress.pipeInput(marker(RS1, 20_000, MARGIN));
      poll(0, 0);
      progress.pipeInput(snapshot(11_000, MARGIN, RS1, 9_000L));
      poll(0, 0);
      assertThat(published).extracting(CheckpointResult::time).endsWith(11_000 - MARGIN - 1);

      // The operator raised the margin: rs2, new, may hold edits from R' - 5000 on.
      progress.pipeInput(snapshot(12_000, 5_000, RS1, 9_000L, RS2, 11_000L));

      List<Checkpoint> globals = new ArrayList<>();
      drainCheckpoints(globals);
      Checkpoint last = globals.get(globals.size() - 1);
      assertThat(last.getTime()).isEqualTo(11_000 - 5_000 - 1);
      assertThat(last.getDecreased()).isTrue();
      assertThat(last.getHeldBy().getServer()).isEqualTo(RS2.server());
      assertThat(metrics.decreases()).isEqualTo(1);
      assertThat(alerts.list)
          .filteredOn(e -> e.getLevel() == Level.ERROR)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getFormattedMessage())
                      .contains("critical")
                      .contains(RS2.toString()));
      assertThat(metrics.processed()).isEqualTo(6);
    } finally {
      log.detachAppender(alerts);
    }
  }

  @Test
  void undecodableRecordIsSkipped() {
    driver
        .createInputTopic(topics.progress(), new ByteArraySerializer(), new ByteArraySerializer())
        .pipeInput(new byte[] {1, 2, 3});
    progress.pipeInput(snapshot(10_000, MARGIN));
    poll(0, 0);

    List<Checkpoint> globals = new ArrayList<>();
    drainCheckpoints(globals);
    assertThat(globals)
        .extracting(Checkpoint::getRule)
        .containsExactly(CheckpointRules.RULE_NO_QUEUES);
  }
}
