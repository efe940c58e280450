package io.rewind.archiver;

import io.rewind.client.store.Manifest;
import io.rewind.schemas.RollRequest;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.segment.SealedSegment;
import io.rewind.store.segment.SegmentWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
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
 * segment is now committed in the store), publish its {@code archived} record and wait for the ack,
 * then commit the consumer offset (its end). The store writes run on the worker threads while this
 * thread polls on (at most two sealed segments per worker wait in memory); the rest happens here,
 * oldest segment first. If the group rejects the commit, another archiver owns the partition now
 * (generation fencing): this one drops the partition's open segment at once and writes nothing more
 * for it until it is given the partition again. Any other failure (store or Kafka unavailable)
 * drops the open segment too, and the partition resumes from the store after a back-off, re-reading
 * the records from Kafka: the store is the truth, so every step is safe to repeat. Revocation,
 * shutdown and roll requests wait for every write under way.
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
  private final ExecutorService workers;
  private final ProtocolHook hook;
  private final RollRule rollRule;
  private final Map<Integer, PartitionArchiver> partitions = new TreeMap<>();
  private final Deque<InFlight> inFlight = new ArrayDeque<>();
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
      ConcurrentMap<Integer, RuntimeException> stopped,
      ExecutorService workers,
      ProtocolHook hook) {
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
    this.workers = workers;
    this.hook = hook;
    this.rollRule = new RollRule(settings.segmentMaxAgeMs());
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
      roll(activePartitions(), RollReason.SHUTDOWN);
      completeAllCommits();
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
        // Wakes up for the next tick of the roll rule: an idle partition's segment rolls on time
        // too.
        records =
            consumer.poll(
                Duration.ofMillis(
                    Math.min(settings.pollMs(), rollRule.untilNextTick(clock.getAsLong()))));
      } catch (OffsetOutOfRangeException e) {
        List<PartitionArchiver> outOfRange = new ArrayList<>();
        for (TopicPartition tp : e.partitions()) {
          PartitionArchiver pa = partitions.get(tp.partition());
          if (pa != null && pa.isActive()) {
            LOG.warn(
                "{}: position {} is out of the log's range; resuming from the store",
                tp,
                e.offsetOutOfRangePartitions().get(tp));
            outOfRange.add(pa);
          }
        }
        // Records already read are not lost: commit them first, so the chain ends where reading
        // stopped.
        // Resuming re-reads the log bounds: data loss or truncation is then named and stops the
        // partition.
        roll(outOfRange, RollReason.OUT_OF_RANGE);
        completeAllCommits();
        for (PartitionArchiver pa : outOfRange) {
          if (pa.isActive()) {
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
        if (rollRule.due(pa.writer().openedAt(), now)) {
          due.add(pa);
        }
      }
      roll(due, RollReason.AGE);
      completeCommits(0);
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
      LOG.error(
          "archiver {}: unexpected error ({}); resuming every partition from the store in {} ms",
          archiverId,
          e.toString(),
          settings.retryBackoffMs(),
          e);
      for (PartitionArchiver pa : activePartitions()) {
        retryLater(pa);
      }
      sleep(settings.retryBackoffMs());
    }
  }

  private void take(PartitionArchiver pa, ConsumerRecord<byte[], byte[]> record) {
    long size = SegmentWriter.sizeOf(record);
    if (pa.writer().wouldOverflow(size)) {
      roll(List.of(pa), RollReason.SIZE);
      if (!pa.isActive()) {
        return;
      }
    }
    String problem = validator.problem(record.headers());
    if (problem != null) {
      LOG.warn(
          "{}: {}; archived as it is and copied to {}",
          DeadLetterPublisher.source(record),
          problem,
          settings.topics().dlq());
      pa.deadLetterSent(deadLetters.send(record, problem));
    }
    pa.writer().append(record, size, problem, clock.getAsLong());
    metrics.recordsConsumed.incrementAndGet();
    reached(ProtocolPoint.MID_SEGMENT, pa.partition());
    if (pa.writer().isFull()) {
      roll(List.of(pa), RollReason.SIZE);
    }
  }

  private void answerRollRequests() {
    for (Optional<RollRequest> r = control.nextRollRequest();
        r.isPresent();
        r = control.nextRollRequest()) {
      roll(activePartitions(), RollReason.ROLL_REQUEST);
      completeAllCommits();
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
        LOG.error(
            "cannot answer roll request {} ({}): the requester will time out and may ask again",
            r.get().getRequestId(),
            e.toString());
      }
    }
  }

  /**
   * Seals the open segments of the given partitions and hands them to the worker threads, which
   * write each segment and its manifest to the store while the poll loop reads on; the loop
   * publishes and commits them as they complete ({@link #completeCommits}), in roll order.
   */
  private void roll(Collection<PartitionArchiver> candidates, RollReason reason) {
    for (PartitionArchiver pa : candidates) {
      if (!pa.isActive() || !pa.writer().hasContent()) {
        continue;
      }
      SealedSegment segment = pa.writer().seal();
      metrics.rolled(reason);
      try {
        pa.awaitDeadLetters();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failed(pa, "sending the dead-letter copies of " + segment, e);
        continue;
      }
      pa.openNext(newWriter(pa.partition(), segment.endOffset()));
      Future<Manifest> upload =
          workers.submit(
              () -> {
                long started = System.nanoTime();
                Manifest m = committer.commit(segment);
                metrics.storeCommitNanos.addAndGet(System.nanoTime() - started);
                metrics.storeCommits.incrementAndGet();
                return m;
              });
      inFlight.addLast(new InFlight(pa, pa.epoch(), segment, upload, reason));
    }
    // Sealed segments wait in memory until written: bound them.
    while (inFlight.size() > maxInFlight()) {
      completeCommits(1);
    }
    completeCommits(0);
  }

  /** Sealed segments the workers may hold at once: two per worker thread. */
  private int maxInFlight() {
    return 2 * settings.workerThreads();
  }

  /**
   * Waits until every segment handed to the workers is written, then publishes and commits them.
   */
  private void completeAllCommits() {
    completeCommits(Integer.MAX_VALUE);
  }

  /**
   * The rest of the commit protocol for the segments whose store writes completed, oldest first (so
   * per partition in order): publish their {@code archived} records and wait for the ack, then
   * commit the consumer offsets. Waits for at least {@code atLeast} writes still under way. If the
   * group rejects the commit, another archiver owns the partition now (generation fencing): this
   * one drops the partition's open segment and writes nothing more for it until it is given the
   * partition again. A segment whose partition was dropped or retried since it was sealed is not
   * published: the store holds it if its manifest was written, and resuming finds it there.
   */
  private void completeCommits(int atLeast) {
    List<InFlight> done = new ArrayList<>();
    List<Manifest> written = new ArrayList<>();
    int waited = 0;
    while (!inFlight.isEmpty() && (inFlight.peekFirst().upload().isDone() || waited < atLeast)) {
      InFlight f = inFlight.pollFirst();
      waited++;
      try {
        Manifest m = f.upload().get();
        if (current(f)) {
          done.add(f);
          written.add(m);
        } else {
          LOG.info(
              "{}: {} reached the store after the partition was dropped; not published (resuming finds it in the store)",
              f.pa().topicPartition(),
              m);
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SegmentCommitter.Superseded) {
          metrics.segmentsSuperseded.incrementAndGet();
          LOG.warn(
              "{}: {}; stopped writing it until the group hands it over again",
              f.pa().topicPartition(),
              cause.getMessage());
          if (current(f)) {
            retryLater(f.pa());
          }
        } else if (!current(f)) {
          LOG.info(
              "{}: writing {} failed after the partition was dropped ({})",
              f.pa().topicPartition(),
              f.segment().key(),
              cause.toString());
        } else {
          failed(
              f.pa(),
              "writing " + f.segment().key() + " and its manifest",
              cause instanceof Exception ? (Exception) cause : e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closing = true;
        return;
      }
    }
    if (done.isEmpty()) {
      return;
    }
    try {
      archived.publishAndWait(written);
      metrics.archivedPublished.addAndGet(written.size());
    } catch (Exception e) {
      done.forEach(f -> failed(f.pa(), "publishing to " + settings.topics().archived(), e));
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    for (Manifest m : written) {
      offsets.put(new TopicPartition(topic, m.partition), new OffsetAndMetadata(m.endOffset));
    }
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException | FencedInstanceIdException e) {
      for (InFlight f : done) {
        if (!current(f)) {
          continue; // several segments of one partition: counted and logged once
        }
        metrics.commitsFenced.incrementAndGet();
        LOG.warn(
            "{}: the group rejected the offset commit ({}): another archiver may own the partition now"
                + " (generation fencing); stopped writing it, its committed segments stay in the store",
            f.pa().topicPartition(),
            e.toString());
        retryLater(f.pa());
      }
      return;
    } catch (RuntimeException e) {
      done.forEach(
          f -> {
            if (current(f)) {
              failed(f.pa(), "committing the consumer offset", e);
            }
          });
      return;
    }
    for (int i = 0; i < done.size(); i++) {
      PartitionArchiver pa = done.get(i).pa();
      Manifest m = written.get(i);
      pa.committed(m.endOffset);
      committedEnds.merge(m.partition, m.endOffset, Math::max);
      metrics.segmentsCommitted.incrementAndGet();
      metrics.recordsArchived.addAndGet(m.recordCount);
      metrics.bytesCommitted.addAndGet(m.sizeBytes);
      metrics.lastSegmentBytes.set(m.sizeBytes);
      metrics.invalidRecords.addAndGet(m.invalidRecords);
      LOG.debug(
          "committed {} ({} records, {} bytes) on {}",
          m,
          m.recordCount,
          m.sizeBytes,
          done.get(i).reason().label());
    }
  }

  /**
   * The partition is still this archiver's, and not retried or stopped since the segment was
   * sealed.
   */
  private boolean current(InFlight f) {
    return partitions.get(f.pa().partition()) == f.pa() && f.pa().epoch() == f.epoch();
  }

  /** A sealed segment handed to a worker, with the partition's epoch at sealing time. */
  private record InFlight(
      PartitionArchiver pa,
      long epoch,
      SealedSegment segment,
      Future<Manifest> upload,
      RollReason reason) {}

  private void resume(PartitionArchiver pa) {
    resume(List.of(pa));
  }

  /**
   * Reads each partition's chain from the store and positions the consumer at its end. The log
   * bounds and committed offsets of all the partitions come in one request each: a rebalance that
   * hands over many partitions costs three round trips, not three per partition.
   */
  private void resume(Collection<PartitionArchiver> resuming) {
    Map<TopicPartition, PartitionArchiver> byTp = new LinkedHashMap<>();
    resuming.forEach(pa -> byTp.put(pa.topicPartition(), pa));
    Set<TopicPartition> tps = byTp.keySet();
    consumer.pause(tps);
    // A placeholder position, never fetched while paused: without one, poll() fails for the whole
    // consumer (no reset policy) when a partition ends stopped or waiting for a retry.
    consumer.seekToBeginning(tps);
    Map<TopicPartition, Long> logStarts;
    Map<TopicPartition, Long> logEnds;
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      logStarts = consumer.beginningOffsets(tps);
      logEnds = consumer.endOffsets(tps);
      committed = consumer.committed(tps);
    } catch (RuntimeException e) {
      byTp.values().forEach(pa -> failed(pa, "reading the log bounds and committed offset", e));
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commits = new LinkedHashMap<>();
    Map<PartitionArchiver, ResumePlan> plans = new LinkedHashMap<>();
    ManifestIndex index = new ManifestIndex(manifests.store());
    for (PartitionArchiver pa : byTp.values()) {
      TopicPartition tp = pa.topicPartition();
      try {
        OffsetAndMetadata c = committed.get(tp);
        // Through the index: a head, a listing and the manifests committed since the compactor's
        // last pass.
        ManifestStore.Chain chain =
            index.open(tp.partition()).chainFrom(c == null ? -1 : c.offset());
        ResumePlan plan =
            ResumePlan.of(
                topic,
                tp.partition(),
                chain,
                logStarts.get(tp),
                logEnds.get(tp),
                c == null ? null : c.offset(),
                settings.newStoreFromLogStart());
        if (!plan.toRepublish().isEmpty()) {
          archived.publishAndWait(plan.toRepublish());
          metrics.archivedPublished.addAndGet(plan.toRepublish().size());
          LOG.info(
              "{}: republished {} manifests above the committed offset {} to {}",
              tp,
              plan.toRepublish().size(),
              c == null ? "(none)" : c.offset(),
              settings.topics().archived());
        }
        if (plan.commitNeeded()) {
          commits.put(tp, new OffsetAndMetadata(plan.startOffset()));
        }
        plans.put(pa, plan);
      } catch (DataLossException | LogTruncationException | UnarchivedStartException e) {
        pa.stop();
        stopped.put(tp.partition(), e);
        metrics.partitionsStopped.incrementAndGet();
        LOG.error("{}", e.getMessage());
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failed(pa, "resuming from the store", e);
      }
    }
    try {
      if (!commits.isEmpty()) {
        consumer.commitSync(commits);
      }
    } catch (CommitFailedException | RebalanceInProgressException | FencedInstanceIdException e) {
      metrics.commitsFenced.incrementAndGet();
      LOG.warn(
          "{}: the group rejected the offset commit while resuming ({}); retrying after the rebalance",
          commits.keySet(),
          e.toString());
      plans.keySet().forEach(this::retryLater);
      return;
    } catch (RuntimeException e) {
      plans.keySet().forEach(pa -> failed(pa, "committing the resume position", e));
      return;
    }
    plans.forEach(
        (pa, plan) -> {
          TopicPartition tp = pa.topicPartition();
          consumer.seek(tp, plan.startOffset());
          pa.activate(newWriter(tp.partition(), plan.startOffset()), plan.archivedEnd());
          if (plan.archivedEnd() >= 0) {
            committedEnds.merge(tp.partition(), plan.archivedEnd(), Math::max);
          }
          stopped.remove(tp.partition());
          consumer.resume(Set.of(tp));
          LOG.info(
              "{}: archiving from offset {} ({})",
              tp,
              plan.startOffset(),
              plan.archivedEnd() < 0
                  ? "nothing archived yet: the log start"
                  : "the end of the manifest chain");
        });
  }

  /** Announces a protocol point to the (test-only) hook; a hook that pauses holds this thread. */
  private SegmentWriter newWriter(int partition, long startOffset) {
    return new SegmentWriter(
        partition,
        startOffset,
        settings.segmentMaxBytes(),
        settings.format(),
        settings.codec(),
        settings.zstdLevel(),
        workers);
  }

  private void reached(ProtocolPoint point, int partition) {
    try {
      hook.reached(point, partition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
    }
  }

  private void failed(PartitionArchiver pa, String what, Exception e) {
    metrics.commitFailures.incrementAndGet();
    LOG.error(
        "{}: {} failed ({}); dropped the open segment, resuming from the store in {} ms",
        pa.topicPartition(),
        what,
        e.toString(),
        settings.retryBackoffMs());
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
        roll(leaving, RollReason.REVOCATION);
        completeAllCommits();
      } catch (RuntimeException e) {
        LOG.warn(
            "could not roll the segments of revoked partitions {} ({}); the next owner re-archives them",
            revoked,
            e.toString());
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
      LOG.warn(
          "archiver {}: partitions lost {} (open segments dropped; the next owner re-archives them)",
          archiverId,
          lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      List<PartitionArchiver> joining = new ArrayList<>();
      for (TopicPartition tp : assigned) {
        PartitionArchiver pa = new PartitionArchiver(tp);
        partitions.put(tp.partition(), pa);
        joining.add(pa);
      }
      if (!joining.isEmpty()) {
        resume(joining);
      }
      if (!assigned.isEmpty()) {
        LOG.info("archiver {}: partitions assigned {}", archiverId, assigned);
      }
    }
  }
}
