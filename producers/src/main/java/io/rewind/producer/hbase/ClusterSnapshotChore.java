package io.rewind.producer.hbase;

import io.rewind.producer.EditSink;
import io.rewind.producer.ListedQueue;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every few hundred milliseconds, reads the peer's replication queues from HBase's queue storage as
 * one consistent cut and publishes it as a cluster snapshot (design: "The unit of progress"). Runs
 * in the endpoint of each region server's own queue; one publisher is enough and several are
 * harmless. A failed read or publish is logged and retried at the next tick: it only delays the
 * checkpoint, never moves it wrongly.
 */
final class ClusterSnapshotChore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSnapshotChore.class);

  private final Configuration conf;
  private final String peerId;
  private final String name;
  private final EditSink sink;
  private final long intervalMs;
  private final Thread thread;
  private final Object wake = new Object();
  private volatile boolean stopped;
  private QueueStorageReader reader;
  private long published;
  private boolean failing;

  ClusterSnapshotChore(
      Configuration conf, String peerId, String name, EditSink sink, long intervalMs) {
    this.conf = conf;
    this.peerId = peerId;
    this.name = name;
    this.sink = sink;
    this.intervalMs = intervalMs;
    this.thread = new Thread(this::run, "rewind-cluster-snapshots-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Reads and publishes a snapshot now instead of at the end of the pause (a restore point asked
   * for one).
   */
  void publishNow() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** Cluster snapshots published so far. */
  long published() {
    return published;
  }

  private void run() {
    while (!stopped) {
      long began = System.nanoTime();
      tick();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      pause(Math.max(10, intervalMs - elapsedMs));
    }
    closeReader();
  }

  private void tick() {
    try {
      if (reader == null) {
        reader = new QueueStorageReader(conf, "rewind-snapshots-" + name);
      }
      QueueStorageReader.Cut cut = reader.read();
      List<ListedQueue> queues = QueueListings.of(cut.queues, peerId);
      if (stopped) {
        return;
      }
      sink.publishSnapshot(cut.readTime, queues);
      published++;
      if (failing) {
        LOG.info("cluster snapshots of peer {} published again ({} queues)", peerId, queues.size());
        failing = false;
      }
    } catch (IOException | RuntimeException e) {
      if (stopped) {
        return;
      }
      if (!failing) {
        LOG.warn(
            "cluster snapshot of peer {} failed, retrying every {} ms (the checkpoint waits meanwhile): {}",
            peerId,
            intervalMs,
            e.toString());
        failing = true;
      }
      // A broken ZooKeeper session does not come back: start a new one next time.
      closeReader();
    }
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (RuntimeException e) {
        LOG.debug("closing the queue storage reader failed: {}", e.toString());
      }
      reader = null;
    }
  }

  private void pause(long ms) {
    synchronized (wake) {
      if (stopped) {
        return;
      }
      try {
        wake.wait(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
