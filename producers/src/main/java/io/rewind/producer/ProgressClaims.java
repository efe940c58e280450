package io.rewind.producer;

import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns progress observations into claims. The margin is subtracted here and only here: the
 * checkpoint app takes a claim's bound as given (design: "The unit of progress").
 */
public final class ProgressClaims {

  private final long marginMs;

  public ProgressClaims(long marginMs) {
    if (marginMs < 0) {
      throw new IllegalArgumentException("checkpoint.margin.ms must be >= 0, got " + marginMs);
    }
    this.marginMs = marginMs;
  }

  public long marginMs() {
    return marginMs;
  }

  /** Every edit of the queue with write time below newest - margin has been acknowledged. */
  public Marker marker(QueueId queue, long newestWriteTime, MarkerSource source) {
    return marker(queue, newestWriteTime, source, "");
  }

  /**
   * @param reason for a {@link MarkerSource#BULK_LOAD} marker: why the bulk load was not captured,
   *     and the fix
   */
  public Marker marker(QueueId queue, long newestWriteTime, MarkerSource source, String reason) {
    return Marker.newBuilder()
        .setQueue(QueueId.newBuilder(queue).build())
        .setNewestWriteTime(newestWriteTime)
        .setBound(newestWriteTime - marginMs)
        .setSource(source)
        .setReason(reason)
        .build();
  }

  /**
   * For each listed queue: every edit older than its oldest listed WAL's start - margin has been
   * acknowledged.
   */
  public ClusterSnapshot snapshot(long readTime, List<ListedQueue> queues) {
    List<QueueListing> listings = new ArrayList<>(queues.size());
    for (ListedQueue q : queues) {
      listings.add(
          QueueListing.newBuilder()
              .setQueue(QueueId.newBuilder(q.queue()).build())
              .setHolder(q.holder())
              .setOldestWalStart(q.oldestWalStart())
              .setBound(q.oldestWalStart() - marginMs)
              .setWalCount(q.walCount())
              .build());
    }
    return ClusterSnapshot.newBuilder()
        .setReadTime(readTime)
        .setMarginMs(marginMs)
        .setQueues(listings)
        .build();
  }
}
