package io.rewind.checkpoint;

import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueCheckpoint;
import io.rewind.schemas.QueueListing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the progress and archived topics and the periodic end-offset poll to {@link
 * CheckpointRules}, persists the changed state entries in a changelogged store after every event,
 * and forwards the checkpoint and the per-queue rows when they change.
 */
final class CheckpointProcessor
    implements Processor<byte[], SpecificRecord, String, SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointProcessor.class);

  static final String GLOBAL_KEY = "global";
  static final String QUEUE_KEY_PREFIX = "queue:";

  private final EndOffsets endOffsets;
  private final long pollMs;
  private final long markerMarginMs;
  private final CheckpointListener listener;
  private final CheckpointMetrics metrics;

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, byte[]> store;
  private CheckpointRules rules;
  private Long publishedTime;

  CheckpointProcessor(
      EndOffsets endOffsets,
      long pollMs,
      long markerMarginMs,
      CheckpointListener listener,
      CheckpointMetrics metrics) {
    this.endOffsets = endOffsets;
    this.pollMs = pollMs;
    this.markerMarginMs = markerMarginMs;
    this.listener = listener;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(CheckpointTopology.STORE);
    Map<String, byte[]> entries = new HashMap<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      it.forEachRemaining(kv -> entries.put(kv.key, kv.value));
    }
    rules = CheckpointRules.importState(entries);
    publishedTime = rules.current().map(CheckpointResult::time).orElse(null);
    LOG.info(
        "checkpoint state restored: {} entries, {} queues, checkpoint {}",
        entries.size(),
        rules.queueCount(),
        publishedTime);
    listener.restored(rules.current(), rules.queues());
    rules.drainChangedQueues();
    context.schedule(Duration.ofMillis(pollMs), PunctuationType.WALL_CLOCK_TIME, now -> poll());
  }

  @Override
  public void process(Record<byte[], SpecificRecord> record) {
    SpecificRecord value = record.value();
    if (value instanceof ProgressEvent event) {
      progress(event);
    } else if (value instanceof ArchivedSegment segment) {
      rules.onArchived(segment.getPartition(), segment.getStartOffset(), segment.getEndOffset());
      metrics.count(CheckpointMetrics.ARCHIVED);
    } else if (value != null) {
      LOG.warn(
          "ignoring a {} on the checkpoint app's input: only ProgressEvent and ArchivedSegment are expected",
          value.getClass().getSimpleName());
      return;
    }
    persistAndPublish(false);
  }

  private void progress(ProgressEvent event) {
    Object body = event.getBody();
    if (body instanceof ClusterSnapshot snapshot) {
      List<Listing> listings = new ArrayList<>(snapshot.getQueues().size());
      for (QueueListing l : snapshot.getQueues()) {
        listings.add(new Listing(QueueKey.of(l.getQueue()), l.getBound()));
      }
      rules.onSnapshot(snapshot.getReadTime(), snapshot.getMarginMs(), listings);
      metrics.count(CheckpointMetrics.SNAPSHOT);
    } else if (body instanceof Marker marker) {
      rules.onMarker(
          QueueKey.of(marker.getQueue()), marker.getBound(), event.getSendTime(), markerMarginMs);
      metrics.count(CheckpointMetrics.MARKER);
    }
  }

  private void poll() {
    long[] end;
    try {
      end = endOffsets.read();
    } catch (EndOffsetsUnavailableException e) {
      LOG.warn("{}; claims wait for the next poll", e.getMessage());
      return;
    }
    rules.onEndOffsets(end);
    metrics.count(CheckpointMetrics.END_OFFSETS);
    persistAndPublish(true);
  }

  private void persistAndPublish(boolean withQueueRows) {
    List<KeyValue<String, byte[]>> puts = new ArrayList<>();
    rules.drainChangedState().forEach((k, v) -> puts.add(KeyValue.pair(k, v)));
    store.putAll(puts);
    Optional<CheckpointResult> current = rules.current();
    boolean changed =
        current.isPresent() && !Long.valueOf(current.get().time()).equals(publishedTime);
    long now = context.currentSystemTimeMs();
    if (changed || withQueueRows) {
      Map<QueueKey, Optional<QueueView>> rows = rules.drainChangedQueues();
      rows.forEach((queue, view) -> forwardQueue(queue, view, now));
      listener.queuesChanged(rows);
    }
    if (changed) {
      CheckpointResult c = current.get();
      if (c.decreased()) {
        metrics.decreased();
        LOG.error(
            "critical: the checkpoint went back from {} to {} (held by {}, rule {}): a published promise is broken;"
                + " check the clocks and the margin of the publishers, and the queue's claims",
            publishedTime,
            c.time(),
            c.heldBy(),
            c.rule());
      }
      Checkpoint record = toRecord(c, now);
      context.forward(
          new Record<String, SpecificRecord>(GLOBAL_KEY, record, now),
          CheckpointTopology.CHECKPOINT_SINK);
      publishedTime = c.time();
      listener.published(c, record);
    }
  }

  private void forwardQueue(QueueKey queue, Optional<QueueView> view, long now) {
    QueueCheckpoint row =
        view.map(
                v ->
                    QueueCheckpoint.newBuilder()
                        .setQueue(queue.toAvro())
                        .setContribution(v.contribution())
                        .setRule(v.rule())
                        .setLastMarkerSendTime(v.lastMarkerSendTime())
                        .setUpdatedAt(now)
                        .build())
            .orElse(null);
    context.forward(
        new Record<String, SpecificRecord>(QUEUE_KEY_PREFIX + queue, row, now),
        CheckpointTopology.QUEUE_SINK);
  }

  static Checkpoint toRecord(CheckpointResult c, long computedAt) {
    return Checkpoint.newBuilder()
        .setTime(c.time())
        .setComputedAt(computedAt)
        .setHeldBy(c.heldBy() == null ? null : c.heldBy().toAvro())
        .setRule(c.rule())
        .setQueues(c.queueCount())
        .setDecreased(c.decreased())
        .build();
  }
}
