package io.rewind.checkpoint;

import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueListing;
import java.util.ArrayList;
import java.util.List;

/** Builds the records the checkpoint app consumes, as publishers and archivers write them. */
final class ProgressRecords {

  private ProgressRecords() {}

  /** A snapshot read at readTime listing each queue with its oldest WAL start. */
  static ProgressEvent snapshot(long readTime, long margin, Object... queueAndWalStart) {
    List<QueueListing> listings = new ArrayList<>();
    for (int i = 0; i < queueAndWalStart.length; i += 2) {
      QueueKey q = (QueueKey) queueAndWalStart[i];
      long s = (Long) queueAndWalStart[i + 1];
      listings.add(
          QueueListing.newBuilder()
              .setQueue(q.toAvro())
              .setHolder(q.server())
              .setOldestWalStart(s)
              .setBound(s - margin)
              .setWalCount(1)
              .build());
    }
    ClusterSnapshot body =
        ClusterSnapshot.newBuilder()
            .setReadTime(readTime)
            .setMarginMs(margin)
            .setQueues(listings)
            .build();
    return ProgressEvent.newBuilder()
        .setPublisher("test")
        .setSendTime(readTime)
        .setBody(body)
        .build();
  }

  static ProgressEvent marker(QueueKey q, long newestWriteTime, long margin) {
    Marker body =
        Marker.newBuilder()
            .setQueue(q.toAvro())
            .setBound(newestWriteTime - margin)
            .setNewestWriteTime(newestWriteTime)
            .setSource(MarkerSource.BATCH)
            .build();
    return ProgressEvent.newBuilder()
        .setPublisher(q.server())
        .setSendTime(newestWriteTime + 1)
        .setBody(body)
        .build();
  }

  static ArchivedSegment archived(int partition, long start, long end) {
    return ArchivedSegment.newBuilder()
        .setPartition(partition)
        .setStartOffset(start)
        .setEndOffset(end)
        .setSegmentPath(String.format("segments/p=%d/%020d-%020d.avro", partition, start, end))
        .setManifestPath(String.format("manifests/p=%d/%020d.json", partition, start))
        .setSizeBytes(100)
        .setRecordCount(end - start)
        .setSha256("00")
        .build();
  }
}
