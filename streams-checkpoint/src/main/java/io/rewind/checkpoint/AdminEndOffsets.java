package io.rewind.checkpoint;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * End offsets through the Admin client: the high watermark of every partition (read uncommitted, so
 * every acknowledged record lies below it, even behind an open transaction).
 */
final class AdminEndOffsets implements EndOffsets {

  private final Admin admin;
  private final String topic;
  private final Duration timeout;

  AdminEndOffsets(Admin admin, String topic, Duration timeout) {
    this.admin = admin;
    this.topic = topic;
    this.timeout = timeout;
  }

  @Override
  public long[] read() {
    try {
      // Described on every poll: partitions added to the topic must gate claims at once.
      TopicDescription d =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      d.partitions()
          .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResultInfo> result =
          admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long[] end = new long[d.partitions().size()];
      result.forEach((tp, info) -> end[tp.partition()] = info.offset());
      return end;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EndOffsetsUnavailableException(
          "interrupted while reading the end offsets of " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new EndOffsetsUnavailableException(
          "cannot read the end offsets of "
              + topic
              + " within "
              + timeout.toMillis()
              + " ms ("
              + e.getMessage()
              + "): check that the broker is reachable and the topic exists",
          e);
    }
  }
}
