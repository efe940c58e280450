package io.rewind.checkpoint;

import io.rewind.client.kafka.Topics;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueCheckpoint;
import io.rewind.schemas.serde.SerdeFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The checkpoint app's topology: the progress and archived topics (one partition each, so one task
 * sees one total order of each) into one processor with one changelogged store, out to the
 * checkpoints topic.
 */
public final class CheckpointTopology {

  static final String STORE = "checkpoint-rules";
  static final String PROCESSOR = "checkpoint-rules-processor";
  static final String CHECKPOINT_SINK = "checkpoint-sink";
  static final String QUEUE_SINK = "queue-checkpoint-sink";

  private CheckpointTopology() {}

  /**
   * @param markerMarginMs the margin to assume for markers (they do not carry it): the configured
   *     checkpoint.margin.ms
   */
  public static Topology build(
      Topics topics,
      SerdeFactory serdes,
      EndOffsets endOffsets,
      long pollMs,
      long markerMarginMs,
      CheckpointListener listener,
      CheckpointMetrics metrics) {
    Topology t = new Topology();
    t.addSource(
        "progress",
        new ByteArrayDeserializer(),
        widen(serdes.deserializer(ProgressEvent.class)),
        topics.progress());
    t.addSource(
        "archived",
        new ByteArrayDeserializer(),
        widen(serdes.deserializer(ArchivedSegment.class)),
        topics.archived());
    t.addProcessor(
        PROCESSOR,
        () -> new CheckpointProcessor(endOffsets, pollMs, markerMarginMs, listener, metrics),
        "progress",
        "archived");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()),
        PROCESSOR);
    t.addSink(
        CHECKPOINT_SINK,
        topics.checkpoints(),
        new StringSerializer(),
        narrow(serdes.serializer(Checkpoint.class), Checkpoint.class),
        PROCESSOR);
    t.addSink(
        QUEUE_SINK,
        topics.checkpoints(),
        new StringSerializer(),
        narrow(serdes.serializer(QueueCheckpoint.class), QueueCheckpoint.class),
        PROCESSOR);
    return t;
  }

  private static <T extends SpecificRecord> Deserializer<SpecificRecord> widen(Deserializer<T> d) {
    return new Deserializer<>() {
      @Override
      public SpecificRecord deserialize(String topic, byte[] data) {
        return d.deserialize(topic, data);
      }

      @Override
      public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
        return d.deserialize(topic, headers, data);
      }

      @Override
      public void close() {
        d.close();
      }
    };
  }

  private static <T extends SpecificRecord> Serializer<SpecificRecord> narrow(
      Serializer<T> s, Class<T> type) {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, SpecificRecord data) {
        return s.serialize(topic, type.cast(data));
      }

      @Override
      public byte[] serialize(String topic, Headers headers, SpecificRecord data) {
        return s.serialize(topic, headers, type.cast(data));
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }
}
