package io.rewind.testkit.sim;

import io.rewind.producer.EditSink;
import io.rewind.producer.ListedQueue;
import io.rewind.producer.ProgressClaims;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.TableDescriptor;
import java.util.ArrayList;
import java.util.List;

/** An in-memory sink: one totally ordered log of what was published, in acknowledgement order. */
final class CapturingSink implements EditSink {

  /** One published item: exactly one of the fields is set. */
  static final class Event {
    final List<WalEntry> batch;
    final Marker marker;
    final ClusterSnapshot snapshot;
    final TableDescriptor table;

    Event(List<WalEntry> batch, Marker marker, ClusterSnapshot snapshot, TableDescriptor table) {
      this.batch = batch;
      this.marker = marker;
      this.snapshot = snapshot;
      this.table = table;
    }
  }

  private final ProgressClaims claims;
  private final List<Event> events = new ArrayList<>();

  CapturingSink(long marginMs) {
    this.claims = new ProgressClaims(marginMs);
  }

  @Override
  public synchronized void publish(List<WalEntry> batch) {
    events.add(new Event(List.copyOf(batch), null, null, null));
  }

  @Override
  public synchronized void publishMarker(
      QueueId queue, long newestWriteTime, MarkerSource source, String reason) {
    events.add(new Event(null, claims.marker(queue, newestWriteTime, source, reason), null, null));
  }

  @Override
  public void publishBulkLoad(BulkLoad load) {
    throw new UnsupportedOperationException("the simulator never bulk-loads");
  }

  @Override
  public int editsPartitions() {
    return 1;
  }

  @Override
  public synchronized void publishSnapshot(long readTime, List<ListedQueue> queues) {
    events.add(new Event(null, null, claims.snapshot(readTime, queues), null));
  }

  @Override
  public synchronized void publishTable(TableDescriptor descriptor) {
    events.add(new Event(null, null, null, descriptor));
  }

  @Override
  public long marginMs() {
    return claims.marginMs();
  }

  @Override
  public void close() {}

  synchronized List<Event> events() {
    return new ArrayList<>(events);
  }

  synchronized List<WalEntry> entries() {
    List<WalEntry> all = new ArrayList<>();
    for (Event e : events) {
      if (e.batch != null) {
        all.addAll(e.batch);
      }
    }
    return all;
  }
}
