package io.rewind.archiver;

import io.rewind.store.segment.SegmentWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One assigned partition of the edits topic, as the poll loop sees it: resuming (from the store,
 * now or after a back-off), active (with its open segment), or stopped (data loss). Used by the
 * loop thread only.
 */
final class PartitionArchiver {

  enum State {
    RESUMING,
    ACTIVE,
    STOPPED
  }

  private static final long DEAD_LETTER_ACK_TIMEOUT_MS = 60_000;

  private final TopicPartition topicPartition;
  private final List<Future<RecordMetadata>> deadLetters = new ArrayList<>();
  private State state = State.RESUMING;
  private SegmentWriter writer;
  private long committedEnd = -1;
  private long resumeAt;
  private long epoch;

  PartitionArchiver(TopicPartition topicPartition) {
    this.topicPartition = topicPartition;
  }

  TopicPartition topicPartition() {
    return topicPartition;
  }

  int partition() {
    return topicPartition.partition();
  }

  State state() {
    return state;
  }

  boolean isActive() {
    return state == State.ACTIVE;
  }

  /** The open segment; only while active. */
  SegmentWriter writer() {
    return writer;
  }

  /** End of the last segment committed or found in the store, exclusive; -1 when none. */
  long committedEnd() {
    return committedEnd;
  }

  /**
   * @param archivedEnd end of the partition's manifest chain, or -1 when nothing is archived
   */
  void activate(SegmentWriter openSegment, long archivedEnd) {
    state = State.ACTIVE;
    writer = openSegment;
    committedEnd = Math.max(committedEnd, archivedEnd);
  }

  /** The open segment was sealed; the next one starts where it ended. */
  void openNext(SegmentWriter next) {
    writer = next;
  }

  /** A segment ending here was committed (store, archived topic and consumer offset). */
  void committed(long end) {
    committedEnd = Math.max(committedEnd, end);
  }

  /** Drops the open segment: the partition resumes from the store at the given time. */
  /** Rises each time the partition drops its open segment: segments sealed before are stale. */
  long epoch() {
    return epoch;
  }

  void resumeAt(long timeMs) {
    epoch++;
    state = State.RESUMING;
    dropWriter();
    deadLetters.clear();
    resumeAt = timeMs;
  }

  boolean resumeDue(long nowMs) {
    return state == State.RESUMING && nowMs >= resumeAt;
  }

  void stop() {
    epoch++;
    state = State.STOPPED;
    dropWriter();
    deadLetters.clear();
  }

  private void dropWriter() {
    if (writer != null) {
      writer.discard();
      writer = null;
    }
  }

  void deadLetterSent(Future<RecordMetadata> ack) {
    deadLetters.add(ack);
  }

  /** Waits for the dead-letter copies of the segment being committed. */
  void awaitDeadLetters() throws ExecutionException, InterruptedException, TimeoutException {
    for (Future<RecordMetadata> ack : deadLetters) {
      ack.get(DEAD_LETTER_ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
    deadLetters.clear();
  }
}
