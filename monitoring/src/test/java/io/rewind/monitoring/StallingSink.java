package io.rewind.monitoring;

import io.rewind.producer.EditSink;
import io.rewind.producer.ListedQueue;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.TableDescriptor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sink in front of the Kafka publisher that can stall one simulated region server: while stalled,
 * every batch and marker of that server's queues fails, as when its shipper cannot reach Kafka, so
 * its replication sources retry and its queues stop making progress. Snapshots still go out (the
 * queue storage is read by another server), so the stalled queues stay listed.
 */
final class StallingSink implements EditSink {

  private final EditSink delegate;
  private final Set<String> seenServers = ConcurrentHashMap.newKeySet();
  private volatile String stalledServer;

  StallingSink(EditSink delegate) {
    this.delegate = delegate;
  }

  void stall(String server) {
    stalledServer = server;
  }

  void resume() {
    stalledServer = null;
  }

  /** A server whose queues shipped at least once. */
  String anyServer() {
    return seenServers.stream()
        .sorted()
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no queue shipped yet"));
  }

  @Override
  public void publish(List<WalEntry> batch) {
    for (WalEntry e : batch) {
      check(e.queue());
    }
    delegate.publish(batch);
  }

  @Override
  public void publishMarker(
      QueueId queue, long newestWriteTime, MarkerSource source, String reason) {
    check(queue);
    delegate.publishMarker(queue, newestWriteTime, source, reason);
    seenServers.add(queue.getServer());
  }

  private void check(QueueId queue) {
    if (queue.getServer().equals(stalledServer)) {
      throw new IllegalStateException("test stall: server " + stalledServer + " cannot ship");
    }
  }

  @Override
  public void publishSnapshot(long readTime, List<ListedQueue> queues) {
    delegate.publishSnapshot(readTime, queues);
  }

  @Override
  public void publishTable(TableDescriptor descriptor) {
    delegate.publishTable(descriptor);
  }

  @Override
  public void publishBulkLoad(BulkLoad load) {
    delegate.publishBulkLoad(load);
  }

  @Override
  public int editsPartitions() {
    return delegate.editsPartitions();
  }

  @Override
  public long marginMs() {
    return delegate.marginMs();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
