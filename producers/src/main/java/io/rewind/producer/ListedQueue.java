package io.rewind.producer;

import io.rewind.schemas.QueueId;
import java.util.Objects;

/**
 * One replication queue as a read of the queue storage lists it: who holds it now and the creation
 * time of its oldest listed WAL (the suffix of the WAL's name). The publisher turns it into a claim
 * by subtracting the margin.
 */
public final class ListedQueue {

  private final QueueId queue;
  private final String holder;
  private final long oldestWalStart;
  private final int walCount;

  public ListedQueue(QueueId queue, String holder, long oldestWalStart, int walCount) {
    this.queue = QueueId.newBuilder(Objects.requireNonNull(queue, "queue")).build();
    this.holder = Objects.requireNonNull(holder, "holder");
    this.oldestWalStart = oldestWalStart;
    this.walCount = walCount;
  }

  public QueueId queue() {
    return queue;
  }

  /**
   * The live server whose storage node lists the queue; differs from queue().getServer() after a
   * claim.
   */
  public String holder() {
    return holder;
  }

  public long oldestWalStart() {
    return oldestWalStart;
  }

  public int walCount() {
    return walCount;
  }

  @Override
  public String toString() {
    return queue.getServer()
        + "/"
        + queue.getWalGroup()
        + " held by "
        + holder
        + " oldest WAL "
        + oldestWalStart
        + " ("
        + walCount
        + " WALs)";
  }
}
