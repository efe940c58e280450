package io.rewind.checkpoint;

import static io.rewind.checkpoint.ProgressRecords.archived;
import static io.rewind.checkpoint.ProgressRecords.marker;
import static io.rewind.checkpoint.ProgressRecords.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.CheckpointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checkpoint app on a real broker and a real (local) object store. */
class CheckpointAppIntegrationTest {

  private static final long MARGIN = 500;
  private static final QueueKey RS1 = new QueueKey("rs1,16020,1", "rs1%2C16020%2C1");

  private static EmbeddedStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(2).start();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void checkpointIsPublishedAndWrittenToStoreAndResumesFromChangelogAfterRestart()
      throws Exception {
    RewindConfig config =
        stack
            .config()
            .with(RewindConfig.CHECKPOINT_POLL_MS, "100")
            .with(RewindConfig.CHECKPOINT_APPLICATION_ID, "checkpoint-it");
    Topics topics = new Topics(config.topicPrefix());
    SerdeFactory serdes = new SerdeFactory(null);
    KafkaClients clients = new KafkaClients(config);
    Path stateDir = Path.of(config.get(RewindConfig.CHECKPOINT_STATE_DIR));

    try (KafkaProducer<byte[], byte[]> producer = clients.producer("checkpoint-it");
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer("checkpoint-it-reader", null);
        ObjectStore store = ObjectStore.open(config)) {
      consumer.assign(List.of(new TopicPartition(topics.checkpoints(), 0)));
      List<Long> globals = new ArrayList<>();

      CheckpointApp app = new CheckpointApp(config);
      try {
        app.start();
        send(producer, serdes, topics.progress(), snapshot(10_000, MARGIN, RS1, 9_000L));
        // Nothing written to edits yet: the first snapshot's claims are effective at once.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> app.latest().map(CheckpointResult::time).orElse(0L) == 8_499L);
        long[] end = new long[2];
        for (int i = 0; i < 5; i++) {
          RecordMetadata m =
              producer
                  .send(
                      new ProducerRecord<>(
                          topics.edits(),
                          i % 2,
                          11_000L + i,
                          ("row" + i).getBytes(),
                          new byte[] {1}))
                  .get();
          end[m.partition()] = m.offset() + 1;
        }
        send(producer, serdes, topics.progress(), marker(RS1, 12_000, MARGIN));
        send(producer, serdes, topics.progress(), snapshot(13_000, MARGIN, RS1, 11_800L));

        // The marker's edits are not archived: C stays at the first snapshot's listing.
        Thread.sleep(500);
        assertThat(app.latest().orElseThrow().time()).isEqualTo(8_499L);

        for (int p = 0; p < 2; p++) {
          sendArchived(producer, serdes, topics.archived(), archived(p, 0, end[p]));
        }
        long expected = 12_000 - MARGIN - 1;
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> app.latest().map(CheckpointResult::time).orElse(0L) == expected);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> readGlobals(consumer, serdes, topics, globals).contains(expected));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> CheckpointFile.read(store).map(s -> s.time).orElse(0L) == expected);
        CheckpointFile.Stored file = CheckpointFile.read(store).orElseThrow();
        assertThat(file.heldBy).isEqualTo(RS1.toString());
        assertThat(file.rule).isEqualTo(CheckpointRules.RULE_EFFECTIVE_CLAIM);
      } finally {
        app.close();
      }

      // A new instance with its local state gone restores the rules from the changelog.
      deleteRecursively(stateDir);
      CheckpointApp restarted = new CheckpointApp(config);
      try {
        restarted.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.latest().isPresent());
        assertThat(restarted.latest().orElseThrow().time()).isEqualTo(12_000 - MARGIN - 1);

        send(producer, serdes, topics.progress(), marker(RS1, 15_000, MARGIN));
        send(producer, serdes, topics.progress(), snapshot(16_000, MARGIN, RS1, 15_600L));
        long next = 15_600 - MARGIN - 1;
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> readGlobals(consumer, serdes, topics, globals).contains(next));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> CheckpointFile.read(store).map(s -> s.time).orElse(0L) == next);
        assertThat(globals).as("published checkpoints never go back").isSorted();
        assertThat(restarted.decreases()).isZero();
      } finally {
        restarted.close();
      }
    }
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, SerdeFactory serdes, String topic, ProgressEvent e)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(topic, serdes.serializer(ProgressEvent.class).serialize(topic, e)))
        .get();
  }

  private static void sendArchived(
      KafkaProducer<byte[], byte[]> producer, SerdeFactory serdes, String topic, ArchivedSegment s)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic, serdes.serializer(ArchivedSegment.class).serialize(topic, s)))
        .get();
  }

  private static List<Long> readGlobals(
      KafkaConsumer<byte[], byte[]> consumer, SerdeFactory serdes, Topics topics, List<Long> into) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      if ("global".equals(new String(r.key())) && r.value() != null) {
        into.add(
            serdes
                .deserializer(Checkpoint.class)
                .deserialize(topics.checkpoints(), r.value())
                .getTime());
      }
    }
    return into;
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertThat(Optional.of(dir).filter(Files::exists)).isEmpty();
  }
}
