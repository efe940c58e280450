package io.rewind.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the timestamps of records at given offsets: for each request, the timestamp of the first
 * record at or after the offset and below the partition's end (transaction markers and compacted
 * gaps hold no record). A partition can be asked several offsets: they are read in rounds, one
 * position per partition at a time.
 */
final class OffsetTimestamps {

  /** A wanted timestamp: the first record at or after {@code offset}, below {@code end}. */
  record Request(TopicPartition partition, long offset, long end) {}

  private final Consumer<byte[], byte[]> consumer;
  private final Duration timeout;

  OffsetTimestamps(Consumer<byte[], byte[]> consumer, Duration timeout) {
    this.consumer = consumer;
    this.timeout = timeout;
  }

  /** The timestamp per request; requests whose record could not be read in time are absent. */
  Map<Request, Long> read(Set<Request> requests) {
    Map<TopicPartition, List<Request>> byPartition = new HashMap<>();
    for (Request r : requests) {
      if (r.offset() < r.end()) {
        byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
      }
    }
    Map<Request, Long> found = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    int round = 0;
    while (true) {
      Map<TopicPartition, Request> batch = new HashMap<>();
      for (Map.Entry<TopicPartition, List<Request>> e : byPartition.entrySet()) {
        if (round < e.getValue().size()) {
          batch.put(e.getKey(), e.getValue().get(round));
        }
      }
      if (batch.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      readRound(batch, found, deadline);
      round++;
    }
    consumer.assign(List.of());
    return found;
  }

  private void readRound(
      Map<TopicPartition, Request> batch, Map<Request, Long> found, long deadline) {
    consumer.assign(batch.keySet());
    batch.forEach((tp, r) -> consumer.seek(tp, r.offset()));
    Set<TopicPartition> pending = new HashSet<>(batch.keySet());
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
      for (TopicPartition tp : records.partitions()) {
        if (!pending.contains(tp)) {
          continue;
        }
        Request r = batch.get(tp);
        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
          if (record.offset() >= r.offset() && record.offset() < r.end()) {
            found.put(r, record.timestamp());
            pending.remove(tp);
            break;
          }
        }
      }
      // A partition read past its end without a record (markers only) has nothing to give.
      pending.removeIf(tp -> consumer.position(tp) >= batch.get(tp).end());
      if (!pending.isEmpty()) {
        consumer.pause(difference(batch.keySet(), pending));
      }
    }
    consumer.resume(consumer.paused());
  }

  private static Set<TopicPartition> difference(
      Set<TopicPartition> all, Set<TopicPartition> minus) {
    Set<TopicPartition> d = new HashSet<>(all);
    d.removeAll(minus);
    return d;
  }
}
