package io.rewind.archiver;

import io.rewind.client.store.Manifest;
import io.rewind.client.store.StoreLayout;
import io.rewind.schemas.ArchivedSegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

/** Publishes one {@link ArchivedSegment} per committed segment, copied from its manifest. */
public final class ArchivedPublisher {

  private static final long ACK_TIMEOUT_MS = 60_000;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Serializer<ArchivedSegment> serializer;

  public ArchivedPublisher(
      Producer<byte[], byte[]> producer, String topic, Serializer<ArchivedSegment> serializer) {
    this.producer = producer;
    this.topic = topic;
    this.serializer = serializer;
  }

  public static ArchivedSegment toRecord(Manifest m) {
    return ArchivedSegment.newBuilder()
        .setPartition(m.partition)
        .setStartOffset(m.startOffset)
        .setEndOffset(m.endOffset)
        .setSegmentPath(m.segmentPath)
        .setManifestPath(StoreLayout.manifest(m.partition, m.startOffset))
        .setSizeBytes(m.sizeBytes)
        .setRecordCount(m.recordCount)
        .setMinWriteTime(m.minWriteTime)
        .setMaxWriteTime(m.maxWriteTime)
        .setTables(new HashMap<>(m.tables))
        .setSha256(m.sha256)
        .setArchiver(m.archiver == null ? "" : m.archiver)
        .setCommittedAt(m.committedAt)
        .build();
  }

  /** Sends one record per manifest and waits until Kafka acknowledged all of them. */
  public void publishAndWait(List<Manifest> manifests)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (Manifest m : manifests) {
      String key = StoreLayout.manifest(m.partition, m.startOffset);
      acks.add(
          producer.send(
              new ProducerRecord<>(
                  topic,
                  key.getBytes(StandardCharsets.UTF_8),
                  serializer.serialize(topic, toRecord(m)))));
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get(ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }
}
