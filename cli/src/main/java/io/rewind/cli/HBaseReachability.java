package io.rewind.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails fast when an HBase cluster cannot be reached: first a TCP probe of the ZooKeeper quorum
 * ({@value #ATTEMPTS} attempts, {@value #CONNECT_TIMEOUT_MS} ms each, {@value #BACKOFF_MS} ms
 * apart), then one cheap Admin call through a connection with low client timeouts and retries.
 */
final class HBaseReachability {

  private static final Logger LOG = LoggerFactory.getLogger(HBaseReachability.class);

  static final int ATTEMPTS = 3;
  static final int CONNECT_TIMEOUT_MS = 2_000;
  static final int BACKOFF_MS = 1_000;

  private HBaseReachability() {}

  /**
   * @param where how the operator named the cluster, for the message
   */
  static void check(Configuration conf, String where) throws IOException {
    List<InetSocketAddress> quorum = quorum(conf);
    if (!quorum.isEmpty() && !anyAccepts(quorum)) {
      throw new IOException(
          "cannot reach HBase: no ZooKeeper server of "
              + where
              + " accepts connections after "
              + ATTEMPTS
              + " attempts ("
              + quorum
              + "). Check that the cluster is up and the quorum is right"
              + " (--hbase-zk host:port, or hbase.zookeeper.quorum in --hbase-site)");
    }
    Configuration quick = new Configuration(conf);
    quick.setInt("hbase.client.retries.number", 2);
    quick.setInt("hbase.client.pause", 200);
    quick.setInt("hbase.rpc.timeout", 5_000);
    quick.setInt("hbase.client.operation.timeout", 10_000);
    quick.setInt("hbase.client.meta.operation.timeout", 10_000);
    quick.setInt("zookeeper.recovery.retry", 1);
    quick.setInt("zookeeper.session.timeout", 10_000);
    try (Connection c = ConnectionFactory.createConnection(quick);
        Admin admin = c.getAdmin()) {
      admin.listNamespaceDescriptors();
    } catch (IOException e) {
      throw new IOException(
          "cannot reach HBase at "
              + where
              + ": ZooKeeper answers but the cluster does not ("
              + e.getMessage()
              + "). Check that the master and region servers are up (and zookeeper.znode.parent,"
              + " --hbase-conf)",
          e);
    }
  }

  static List<InetSocketAddress> quorum(Configuration conf) {
    int defaultPort = conf.getInt("hbase.zookeeper.property.clientPort", 2181);
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String hostPort : conf.getTrimmedStrings("hbase.zookeeper.quorum")) {
      int colon = hostPort.lastIndexOf(':');
      if (colon > 0) {
        servers.add(
            InetSocketAddress.createUnresolved(
                hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
      } else {
        servers.add(InetSocketAddress.createUnresolved(hostPort, defaultPort));
      }
    }
    return servers;
  }

  private static boolean anyAccepts(List<InetSocketAddress> quorum) throws IOException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      for (InetSocketAddress server : quorum) {
        try (Socket s = new Socket()) {
          s.connect(
              new InetSocketAddress(server.getHostString(), server.getPort()), CONNECT_TIMEOUT_MS);
          return true;
        } catch (IOException e) {
          LOG.debug(
              "ZooKeeper {} does not accept connections (attempt {}): {}",
              server,
              attempt,
              e.getMessage());
        }
      }
      if (attempt < ATTEMPTS) {
        try {
          Thread.sleep(BACKOFF_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while probing HBase's ZooKeeper quorum", e);
        }
      }
    }
    return false;
  }
}
