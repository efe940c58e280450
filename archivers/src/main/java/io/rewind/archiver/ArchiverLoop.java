package io.rewind.archiver;

import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestStore;
import io.rewind.schemas.RollRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver's poll loop over the edits topic, on one thread that alone touches the consumer.
 *
 * <p>Commit protocol of a segment: write the segment to its final key, write its manifest (the
 * segment is now committed in the store), publish its {@code archived} record and wait for the
 * ack, then commit the consumer offset (its end). If the group rejects the commit, another
 * archiver owns the partition now (generation fencing): this one drops the partition's open
 * segment at once and writes nothing more for it until it is given the partition again. Any other
 * failure (store or Kafka unavailable) drops the open segment too, and the partition resumes from
 * the store after a back-off, re-reading the records from Kafka: the store is the truth, so every
 * step is safe to repeat.
 */
final class ArchiverLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ArchiverLoop.class);

  private final ArchiverSettings settings;
  private final String archiverId;
  private final String topic;
  private final Consumer<byte[], byte[]> consumer;
  private final ManifestStore manifests;
  private final SegmentCommitter committer;
  private final ArchivedPublisher archived;
  private final DeadLetterPublisher deadLetters;
  private final RecordValidator validator;
  private final ControlListener control;
  private final ArchiverMetrics metrics;
  private final LongSupplier clock;
  private final ConcurrentMap<Integer, Long> committedEnds;
  private final ConcurrentMap<Integer, RuntimeException> stopped;
  private final Map<Integer, PartitionArchiver> partitions = new TreeMap<>();
  private volatile boolean closing;

  ArchiverLoop(
      ArchiverSettings settings,
      String archiverId,
      Consumer<byte[], byte[]> consumer,
      ManifestStore manifests,
      SegmentCommitter committer,
      ArchivedPublisher archived,
      DeadLetterPublisher deadLetters,
      RecordValidator validator,
      ControlListener control,
      ArchiverMetrics metrics,
      LongSupplier clock,
      ConcurrentMap<Integer, Long> committedEnds,
      ConcurrentMap<Integer, RuntimeException> stopped) {
    this.settings = settings;
    this.archiverId = archiverId;
    this.topic = settings.topics().edits();
    this.consumer = consumer;
    this.manifests = manifests;
    this.committer = committer;
    this.archived = archived;
    this.deadLetters = deadLetters;
    this.validator = validator;
    this.control = control;
    this.metrics = metrics;
    this.clock = clock;
    this.committedEnds = committedEnds;
    this.stopped = stopped;
  }

  /** Asks the loop to finish: it rolls and commits open segments, then closes the consumer. */
  void close() {
    closing = true;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (!closing) {
        step();
      }
      roll(activePartitions(), "shutdown");
    } catch (RuntimeException e) {
      LOG.error("archiver {} stopped on an unexpected error: {}", archiverId, e.toString(), e);
      throw e;
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }
  }

  private void step() {
    try {
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(Duration.ofMillis(settings.pollMs()));
      } catch (OffsetOutOfRangeException e) {
        // Resuming re-reads the log bounds: data loss or truncation is then named and stops the partition.
        for (TopicPartition tp : e.partitions()) {
          PartitionArchiver pa = partitions.get(tp.partition());
          if (pa != null) {
            LOG.warn("{}: position {} is out of the log's range; resuming from the store", tp, e.offsetOutOfRangePartitions().get(tp));
            resume(pa);
          }
        }
        return;
      }
      for (TopicPartition tp : records.partitions()) {
        PartitionArchiver pa = partitions.get(tp.partition());
        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
          if (pa == null || !pa.isActive()) {
            break;
          }
          take(pa, record);
        }
      }
      long now = clock.getAsLong();
      for (PartitionArchiver pa : activePartitions()) {
        pa.writer().advanceTo(consumer.position(pa.topicPartition()), now);
      }
      answerRollRequests();
      List<PartitionArchiver> due = new ArrayList<>();
      for (PartitionArchiver pa : activePartitions()) {
        if (pa.writer().isFull() || pa.writer().isOld(now)) {
          due.add(pa);
        }
      }
      roll(due, "age");
      for (PartitionArchiver pa : new ArrayList<>(partitions.values())) {
        if (pa.resumeDue(clock.getAsLong())) {
          resume(pa);
        }
      }
    } catch (RuntimeException e) {
      if (closing) {
        throw e;
      }
      // Unknown state: drop every open segment and resume all partitions from the store.
      LOG.error("archiver {}: unexpected error ({}); resuming every partition from the store in {} ms",
          archiverId, e.toString(), settings.retryBackoffMs(), e);
      for (PartitionArchiver pa : activePartitions()) {
        retryLater(pa);
      }
      sleep(settings.retryBackoffMs());
    }
  }

  private void take(PartitionArchiver pa, ConsumerRecord<byte[], byte[]> record) {
    if (pa.writer().wouldOverflow(record)) {
      roll(List.of(pa), "size");
      if (!pa.isActive()) {
        return;
      }
    }
    String problem = validator.problem(record.headers());
    if (problem != null) {
      LOG.warn("{}: {}; archived as it is and copied to {}", DeadLetterPublisher.source(record), problem, settings.topics().dlq());
      pa.deadLetterSent(deadLetters.send(record, problem));
    }
    pa.writer().append(record, problem != null, clock.getAsLong());
    metrics.recordsConsumed.incrementAndGet();
    if (pa.writer().isFull()) {
      roll(List.of(pa), "size");
    }
  }

  private void answerRollRequests() {
    for (Optional<RollRequest> r = control.nextRollRequest(); r.isPresent(); r = control.nextRollRequest()) {
      roll(activePartitions(), "roll request " + r.get().getRequestId());
      Map<String, Long> ends = new TreeMap<>();
      for (PartitionArchiver pa : partitions.values()) {
        if (pa.isActive() && pa.committedEnd() >= 0) {
          ends.put(String.valueOf(pa.partition()), pa.committedEnd());
        }
      }
      try {
        control.ack(r.get(), archiverId, ends);
        metrics.rollRequestsAnswered.incrementAndGet();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        LOG.error("cannot answer roll request {} ({}): the requester will time out and may ask again",
            r.get().getRequestId(), e.toString());
      }
    }
  }

  /** The commit protocol for the open segments of the given partitions, as one batch. */
  private void roll(Collection<PartitionArchiver> candidates, String reason) {
    List<PartitionArchiver> rolling = new ArrayList<>();
    List<Manifest> written = new ArrayList<>();
    for (PartitionArchiver pa : candidates) {
      if (!pa.isActive() || !pa.writer().hasContent()) {
        continue;
      }
      SealedSegment segment = pa.writer().seal();
      try {
        pa.awaitDeadLetters();
        written.add(committer.commit(segment));
        rolling.add(pa);
        pa.openNext(new SegmentWriter(pa.partition(), segment.endOffset(), settings));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failed(pa, "writing " + segment.key() + " and its manifest", e);
      }
    }
    if (rolling.isEmpty()) {
      return;
    }
    try {
      archived.publishAndWait(written);
      metrics.archivedPublished.addAndGet(written.size());
    } catch (Exception e) {
      rolling.forEach(pa -> failed(pa, "publishing to " + settings.topics().archived(), e));
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    for (Manifest m : written) {
      offsets.put(new TopicPartition(topic, m.partition), new OffsetAndMetadata(m.endOffset));
    }
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException | FencedInstanceIdException e) {
      for (PartitionArchiver pa : rolling) {
        metrics.commitsFenced.incrementAndGet();
        LOG.warn("{}: the group rejected the offset commit ({}): another archiver may own the partition now"
                + " (generation fencing); stopped writing it, its committed segments stay in the store",
            pa.topicPartition(), e.toString());
        retryLater(pa);
      }
      return;
    } catch (RuntimeException e) {
      rolling.forEach(pa -> failed(pa, "committing the consumer offset", e));
      return;
    }
    for (int i = 0; i < rolling.size(); i++) {
      PartitionArchiver pa = rolling.get(i);
      Manifest m = written.get(i);
      pa.committed(m.endOffset);
      committedEnds.merge(m.partition, m.endOffset, Math::max);
      metrics.segmentsCommitted.incrementAndGet();
      metrics.recordsArchived.addAndGet(m.recordCount);
      metrics.bytesCommitted.addAndGet(m.sizeBytes);
      metrics.invalidRecords.addAndGet(m.invalidRecords);
      LOG.debug("committed {} ({} records, {} bytes) on {}", m, m.recordCount, m.sizeBytes, reason);
    }
  }

  /** Reads the partition's chain from the store and positions the consumer at its end. */
  private void resume(PartitionArchiver pa) {
    TopicPartition tp = pa.topicPartition();
    consumer.pause(Set.of(tp));
    // A placeholder position, never fetched while paused: without one, poll() fails for the whole
    // consumer (no reset policy) when this partition ends stopped or waiting for a retry.
    consumer.seekToBeginning(Set.of(tp));
    try {
      ManifestStore.Chain chain = ManifestStore.chain(manifests.list(tp.partition()));
      long logStart = consumer.beginningOffsets(Set.of(tp)).get(tp);
      long logEnd = consumer.endOffsets(Set.of(tp)).get(tp);
      OffsetAndMetadata committed = consumer.committed(Set.of(tp)).get(tp);
      ResumePlan plan =
          ResumePlan.of(topic, tp.partition(), chain, logStart, logEnd, committed == null ? null : committed.offset());
      if (!plan.toRepublish().isEmpty()) {
        archived.publishAndWait(plan.toRepublish());
        metrics.archivedPublished.addAndGet(plan.toRepublish().size());
        LOG.info("{}: republished {} manifests above the committed offset {} to {}",
            tp, plan.toRepublish().size(), committed == null ? "(none)" : committed.offset(), settings.topics().archived());
      }
      if (plan.commitNeeded()) {
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(plan.startOffset())));
      }
      consumer.seek(tp, plan.startOffset());
      pa.activate(new SegmentWriter(tp.partition(), plan.startOffset(), settings), chain.end());
      if (!chain.isEmpty()) {
        committedEnds.merge(tp.partition(), chain.end(), Math::max);
      }
      stopped.remove(tp.partition());
      consumer.resume(Set.of(tp));
      LOG.info("{}: archiving from offset {} ({})", tp, plan.startOffset(),
          chain.isEmpty() ? "nothing archived yet: the log start" : "the end of the manifest chain");
    } catch (DataLossException | LogTruncationException e) {
      pa.stop();
      stopped.put(tp.partition(), e);
      metrics.partitionsStopped.incrementAndGet();
      LOG.error("{}", e.getMessage());
    } catch (CommitFailedException | RebalanceInProgressException | FencedInstanceIdException e) {
      metrics.commitsFenced.incrementAndGet();
      LOG.warn("{}: the group rejected the offset commit while resuming ({}); retrying after the rebalance", tp, e.toString());
      retryLater(pa);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      failed(pa, "resuming from the store", e);
    }
  }

  private void failed(PartitionArchiver pa, String what, Exception e) {
    metrics.commitFailures.incrementAndGet();
    LOG.error("{}: {} failed ({}); dropped the open segment, resuming from the store in {} ms",
        pa.topicPartition(), what, e.toString(), settings.retryBackoffMs());
    retryLater(pa);
  }

  private void retryLater(PartitionArchiver pa) {
    pa.resumeAt(clock.getAsLong() + settings.retryBackoffMs());
    consumer.pause(Set.of(pa.topicPartition()));
  }

  private List<PartitionArchiver> activePartitions() {
    List<PartitionArchiver> active = new ArrayList<>();
    for (PartitionArchiver pa : partitions.values()) {
      if (pa.isActive()) {
        active.add(pa);
      }
    }
    return active;
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
    }
  }

  /** Runs inside poll() on the loop thread; never lets an exception escape into the consumer. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      List<PartitionArchiver> leaving = new ArrayList<>();
      for (TopicPartition tp : revoked) {
        PartitionArchiver pa = partitions.get(tp.partition());
        if (pa != null) {
          leaving.add(pa);
        }
      }
      try {
        roll(leaving, "revocation");
      } catch (RuntimeException e) {
        LOG.warn("could not roll the segments of revoked partitions {} ({}); the next owner re-archives them", revoked, e.toString());
      }
      leaving.forEach(pa -> partitions.remove(pa.partition()));
      if (!revoked.isEmpty()) {
        LOG.info("archiver {}: partitions revoked {}", archiverId, revoked);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      for (TopicPartition tp : lost) {
        partitions.remove(tp.partition());
      }
      LOG.warn("archiver {}: partitions lost {} (open segments dropped; the next owner re-archives them)", archiverId, lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      for (TopicPartition tp : assigned) {
        PartitionArchiver pa = new PartitionArchiver(tp);
        partitions.put(tp.partition(), pa);
        try {
          resume(pa);
        } catch (RuntimeException e) {
          failed(pa, "resuming after assignment", e);
        }
      }
      if (!assigned.isEmpty()) {
        LOG.info("archiver {}: partitions assigned {}", archiverId, assigned);
      }
    }
  }
}
