package io.rewind.monitoring;

import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the progress topic (one partition, LogAppendTime) for three things: clock skew (the
 * broker's append time against each record's send time), bulk-load markers, and the newest cluster
 * snapshot (the source's WAL backlog). At the first read it starts {@code progressWindowMs} back
 * (at most {@code progressMaxRecords} records); afterwards it reads only what is new and forgets
 * what left the windows.
 */
final class ProgressWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressWatcher.class);

  private record Sample(String publisher, long brokerTime, long skewMs) {}

  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private final Deserializer<ProgressEvent> events;
  private final MonitorSettings settings;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final Deque<BulkLoadMarker> bulkLoads = new ArrayDeque<>();
  private ClusterSnapshot newestSnapshot;
  private boolean positioned;
  private boolean notLogAppendTime;

  ProgressWatcher(
      Consumer<byte[], byte[]> consumer,
      String topic,
      Deserializer<ProgressEvent> events,
      MonitorSettings settings) {
    this.consumer = consumer;
    this.partition = new TopicPartition(topic, 0);
    this.events = events;
    this.settings = settings;
  }

  void catchUp(long now, Duration timeout) {
    long end = consumer.endOffsets(List.of(partition)).get(partition);
    if (!positioned) {
      consumer.assign(List.of(partition));
      long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
      OffsetAndTimestamp fromTime =
          consumer
              .offsetsForTimes(Map.of(partition, now - settings.progressWindowMs()))
              .get(partition);
      long start =
          Math.max(
              Math.max(begin, end - settings.progressMaxRecords()),
              fromTime == null ? end : fromTime.offset());
      consumer.seek(partition, start);
      positioned = true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(partition) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        apply(r);
      }
    }
    forget(now);
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return;
    }
    ProgressEvent event;
    try {
      event = events.deserialize(r.topic(), r.headers(), r.value());
    } catch (RuntimeException e) {
      LOG.debug("skipping undecodable progress record at offset {}: {}", r.offset(), e.toString());
      return;
    }
    if (r.timestampType() == TimestampType.LOG_APPEND_TIME) {
      samples.addLast(
          new Sample(event.getPublisher(), r.timestamp(), r.timestamp() - event.getSendTime()));
    } else {
      notLogAppendTime = true;
    }
    if (event.getBody() instanceof ClusterSnapshot snapshot
        && (newestSnapshot == null || snapshot.getReadTime() >= newestSnapshot.getReadTime())) {
      newestSnapshot = snapshot;
    }
    if (event.getBody() instanceof Marker m && m.getSource() == MarkerSource.BULK_LOAD) {
      String queue = m.getQueue().getServer() + "/" + m.getQueue().getWalGroup();
      bulkLoads.addLast(
          new BulkLoadMarker(
              queue,
              event.getPublisher(),
              r.timestamp(),
              TimeParser.format(r.timestamp()),
              m.getReason()));
    }
  }

  private void forget(long now) {
    while (!samples.isEmpty() && samples.peekFirst().brokerTime() < now - settings.skewWindowMs()) {
      samples.removeFirst();
    }
    while (!bulkLoads.isEmpty()
        && bulkLoads.peekFirst().brokerTime() < now - settings.progressWindowMs()) {
      bulkLoads.removeFirst();
    }
  }

  /** Per publisher over the skew window: the minimum (the estimate), maximum and last skew. */
  List<PublisherSkew> skew() {
    Map<String, long[]> stats = new LinkedHashMap<>(); // samples, min, max, last, lastSeen
    for (Iterator<Sample> it = samples.iterator(); it.hasNext(); ) {
      Sample s = it.next();
      long[] st =
          stats.computeIfAbsent(
              s.publisher(), p -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE, 0, 0});
      st[0]++;
      st[1] = Math.min(st[1], s.skewMs());
      st[2] = Math.max(st[2], s.skewMs());
      st[3] = s.skewMs();
      st[4] = s.brokerTime();
    }
    List<PublisherSkew> result = new ArrayList<>();
    stats.forEach(
        (p, st) -> result.add(new PublisherSkew(p, (int) st[0], st[1], st[2], st[3], st[4])));
    result.sort((a, b) -> a.publisher().compareTo(b.publisher()));
    return result;
  }

  /** The newest cluster snapshot read, if one was in the progress window. */
  Optional<ClusterSnapshot> newestSnapshot() {
    return Optional.ofNullable(newestSnapshot);
  }

  List<BulkLoadMarker> bulkLoads() {
    return new ArrayList<>(bulkLoads);
  }

  /** True when progress records did not carry LogAppendTime, so skew could not be measured. */
  boolean skewUnmeasurable() {
    return notLogAppendTime;
  }
}
