package io.rewind.monitoring;

import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.QueueCheckpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the checkpoints topic (compacted, one partition): the newest global checkpoint (key
 * {@code global}) and the per-queue table (keys {@code queue:<server>/<walGroup>}, a null value
 * removes a row). Reads from the beginning once, then only what is new.
 */
final class CheckpointTopicReader {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointTopicReader.class);
  static final String GLOBAL_KEY = "global";
  static final String QUEUE_PREFIX = "queue:";

  /** The newest global checkpoint and the broker time it was appended at. */
  record Published(Checkpoint checkpoint, long appendedAt) {}

  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private final Deserializer<Checkpoint> checkpoints;
  private final Deserializer<QueueCheckpoint> queueRows;
  private final Map<String, QueueCheckpoint> queues = new TreeMap<>();
  private Published latest;
  private boolean positioned;

  CheckpointTopicReader(
      Consumer<byte[], byte[]> consumer,
      String topic,
      Deserializer<Checkpoint> checkpoints,
      Deserializer<QueueCheckpoint> queueRows) {
    this.consumer = consumer;
    this.partition = new TopicPartition(topic, 0);
    this.checkpoints = checkpoints;
    this.queueRows = queueRows;
  }

  /** Reads up to the end offset seen now, or until the timeout. */
  void catchUp(Duration timeout) {
    if (!positioned) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      positioned = true;
    }
    long end = consumer.endOffsets(List.of(partition)).get(partition);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(partition) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        apply(r);
      }
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      return;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    try {
      if (key.equals(GLOBAL_KEY) && r.value() != null) {
        latest =
            new Published(
                checkpoints.deserialize(r.topic(), r.headers(), r.value()), r.timestamp());
      } else if (key.startsWith(QUEUE_PREFIX)) {
        String queue = key.substring(QUEUE_PREFIX.length());
        if (r.value() == null) {
          queues.remove(queue);
        } else {
          queues.put(queue, queueRows.deserialize(r.topic(), r.headers(), r.value()));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "skipping undecodable record {} at offset {} of {}: {}",
          key,
          r.offset(),
          r.topic(),
          e.toString());
    }
  }

  Optional<Published> latest() {
    return Optional.ofNullable(latest);
  }

  /** The per-queue table by server/walGroup. */
  Map<String, QueueCheckpoint> queues() {
    return queues;
  }
}
