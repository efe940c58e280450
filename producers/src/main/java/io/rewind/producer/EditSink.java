package io.rewind.producer;

import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.TableDescriptor;
import java.util.List;

/**
 * Where WAL entries and progress claims go. {@link EditPublisher} is the Kafka implementation that
 * both the simulator and the HBase replication endpoint use; tests capture in memory. Every method
 * returns only once the record is durable (for Kafka: acknowledged by acks=all) and throws
 * otherwise, so a caller that goes on has its claim's precondition in hand.
 */
public interface EditSink extends AutoCloseable {

  /** Publishes every row of every entry; returns only when the whole batch is acknowledged. */
  void publish(List<WalEntry> batch);

  /**
   * Claims that every edit of {@code queue} with write time below {@code newestWriteTime - margin}
   * is acknowledged. Call only after the batches holding those edits were published.
   */
  default void publishMarker(QueueId queue, long newestWriteTime, MarkerSource source) {
    publishMarker(queue, newestWriteTime, source, "");
  }

  /**
   * As {@link #publishMarker(QueueId, long, MarkerSource)}; {@code reason} says why a bulk load was
   * not captured.
   */
  void publishMarker(QueueId queue, long newestWriteTime, MarkerSource source, String reason);

  /**
   * Publishes a captured bulk load at its place in the stream (the edits topic, at its write time).
   * Call only once its files and its commit are in the store.
   */
  void publishBulkLoad(BulkLoad load);

  /** Partitions of the edits topic: what the producer routes each row's key by. */
  int editsPartitions();

  /**
   * Publishes a consistent read of the queue storage taken at {@code readTime} (read time taken
   * before the read).
   */
  void publishSnapshot(long readTime, List<ListedQueue> queues);

  /** Publishes a table's descriptor (families and settings). */
  void publishTable(TableDescriptor descriptor);

  /** The safety margin this sink subtracts from every claim, in ms. */
  long marginMs();

  @Override
  void close();
}
