package io.rewind.producer.hbase;

import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.Abortable;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.replication.ReplicationException;
import org.apache.hadoop.hbase.replication.ReplicationQueueStorage;
import org.apache.hadoop.hbase.replication.ReplicationStorageFactory;
import org.apache.hadoop.hbase.zookeeper.ZKUtil;
import org.apache.hadoop.hbase.zookeeper.ZKWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads HBase 2.6's replication queue storage (ZooKeeper: {@code <queues znode>/<holder>/<queue
 * id>/<WAL>}) as one consistent cut. A claim moves a queue between holders in one ZooKeeper multi
 * that also bumps the child version (cversion) of the queues znode (HBASE-26482), so a listing
 * taken between two equal reads of that cversion saw no claim: it cannot have missed a queue in
 * flight and mistaken it for a removed one. HBase's WAL cleaner reads the same way ({@code
 * ZKReplicationQueueStorage.getAllWALs}).
 */
final class QueueStorageReader implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(QueueStorageReader.class);
  private static final int MAX_ATTEMPTS = 20;

  /** One consistent read. */
  static final class Cut {
    /** Taken before the read began: every queue that exists now was listed by then, or is newer. */
    final long readTime;

    /** holder -> queue id -> WAL names */
    final Map<String, Map<String, List<String>>> queues;

    Cut(long readTime, Map<String, Map<String, List<String>>> queues) {
      this.readTime = readTime;
      this.queues = queues;
    }
  }

  private final ZKWatcher zookeeper;
  private final ReplicationQueueStorage storage;
  private final String queuesZNode;

  QueueStorageReader(Configuration conf, String name) throws IOException {
    // Our own session, never the region server's: a failure here must not abort the server.
    this.zookeeper = new ZKWatcher(conf, name, new LoggingAbortable(name));
    this.storage = ReplicationStorageFactory.getReplicationQueueStorage(zookeeper, conf);
    this.queuesZNode = zookeeper.getZNodePaths().queuesZNode;
  }

  /** Reads every holder's queues, retrying while a claim moves queues under the read. */
  Cut read() throws IOException {
    try {
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        long readTime = System.currentTimeMillis();
        int before = cversion();
        Map<String, Map<String, List<String>>> queues = new LinkedHashMap<>();
        for (ServerName holder : storage.getListOfReplicators()) {
          Map<String, List<String>> held = new LinkedHashMap<>();
          for (String queueId : storage.getAllQueues(holder)) {
            held.put(queueId, storage.getWALsInQueue(holder, queueId));
          }
          queues.put(holder.getServerName(), held);
        }
        int after = cversion();
        if (before == after) {
          return new Cut(readTime, queues);
        }
        LOG.debug(
            "replication queue storage changed during the read (cversion {} -> {}), reading again",
            before,
            after);
      }
    } catch (ReplicationException | KeeperException e) {
      throw new IOException(
          "cannot read HBase's replication queue storage under "
              + queuesZNode
              + ": "
              + e.getMessage(),
          e);
    }
    throw new IOException(
        "the replication queue storage under "
            + queuesZNode
            + " changed during each of "
            + MAX_ATTEMPTS
            + " reads (queues being claimed): no consistent cut this time; the next read will try again");
  }

  private int cversion() throws KeeperException {
    Stat stat = new Stat();
    ZKUtil.getDataNoWatch(zookeeper, queuesZNode, stat);
    return stat.getCversion();
  }

  @Override
  public void close() {
    zookeeper.close();
  }

  /** Logs instead of aborting: the snapshot chore's ZooKeeper session is not the server's. */
  private static final class LoggingAbortable implements Abortable {
    private final String name;
    private volatile boolean aborted;

    LoggingAbortable(String name) {
      this.name = name;
    }

    @Override
    public void abort(String why, Throwable e) {
      aborted = true;
      LOG.warn(
          "{}: ZooKeeper session failed ({}); cluster snapshots pause until it recovers",
          name,
          why,
          e);
    }

    @Override
    public boolean isAborted() {
      return aborted;
    }
  }
}
