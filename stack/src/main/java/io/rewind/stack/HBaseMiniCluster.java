package io.rewind.stack;

import io.rewind.client.config.RewindConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.MiniHBaseCluster;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.StartMiniClusterOption;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.regionserver.HRegionServer;
import org.apache.hadoop.hbase.replication.ReplicationPeerConfig;
import org.apache.hadoop.hbase.util.JVMClusterUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HBase mini cluster (hbase-testing-util: ZooKeeper, one HDFS datanode, one master, N region
 * servers) inside this JVM on 127.0.0.1, with replication, bulk-load replication and the
 * replication marker chore on, {@code KafkaBackupEndpoint} added as the peer {@link #PEER_ID}
 * pointing at the stack's Kafka and store, and the master observer that records table changes (when
 * its class is on the classpath).
 *
 * <p>Only {@link EmbeddedStack} loads this class, and only when asked for HBase: hbase-testing-util
 * is an optional dependency of the stack, so stack users without HBase never see it.
 */
public final class HBaseMiniCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HBaseMiniCluster.class);

  /** The replication peer id of the backup. */
  public static final String PEER_ID = "rewind";

  /**
   * The endpoint class, named rather than referenced: it lives in producers, which depends on the
   * stack for its tests.
   */
  public static final String ENDPOINT_CLASS = "io.rewind.producer.hbase.KafkaBackupEndpoint";

  /** The master observer that records table changes, named like the endpoint. */
  public static final String OBSERVER_CLASS = "io.rewind.producer.hbase.BackupMasterObserver";

  /** The marker chore period: small, so idle queues prove progress often (the default is 30 s). */
  public static final long MARKER_PERIOD_MS = 500;

  private final HBaseTestingUtility util;
  private final Path dataDir;
  private boolean closed;

  private HBaseMiniCluster(HBaseTestingUtility util, Path dataDir) {
    this.util = util;
    this.dataDir = dataDir;
  }

  /**
   * Starts the cluster and, when {@code peer} is set, adds the backup peer with the Rewind settings
   * the endpoint needs (its peer configuration).
   */
  public static HBaseMiniCluster start(
      Path dir, int regionServers, RewindConfig rewind, boolean peer, Map<String, String> overrides)
      throws Exception {
    Path dataDir = Files.createDirectories(dir.toAbsolutePath());
    // HBaseTestingUtility puts its data (HDFS, ZooKeeper, WALs) under this system property's
    // directory.
    System.setProperty("test.build.data.basedirectory", dataDir.toString());
    Configuration conf = settings(overrides);
    HBaseTestingUtility util = new HBaseTestingUtility(conf);
    HBaseMiniCluster cluster = new HBaseMiniCluster(util, dataDir);
    long started = System.nanoTime();
    try {
      util.startMiniCluster(
          StartMiniClusterOption.builder()
              .numMasters(1)
              .numRegionServers(regionServers)
              .numDataNodes(1)
              .build());
      if (peer) {
        cluster.addPeer(rewind);
      }
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    LOG.info(
        "HBase mini cluster ready in {} ms: {} region servers, ZooKeeper {}{}",
        (System.nanoTime() - started) / 1_000_000,
        regionServers,
        cluster.zookeeperQuorum(),
        peer ? ", backup peer '" + PEER_ID + "' added" : "");
    return cluster;
  }

  /**
   * The cluster's settings: loopback only, no web UIs, replication with the marker chore, quick
   * retries.
   */
  static Configuration settings(Map<String, String> overrides) {
    Configuration conf = HBaseConfiguration.create();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("hbase.master.info.port", "-1");
    s.put("hbase.regionserver.info.port", "-1");
    s.put("hbase.master.ipc.address", "127.0.0.1");
    s.put("hbase.regionserver.ipc.address", "127.0.0.1");
    s.put("hbase.unsafe.regionserver.hostname", "127.0.0.1");
    s.put("hbase.master.hostname", "127.0.0.1");
    s.put("hbase.zookeeper.quorum", "127.0.0.1");
    s.put("dfs.datanode.address", "127.0.0.1:0");
    s.put("dfs.datanode.http.address", "127.0.0.1:0");
    s.put("dfs.datanode.ipc.address", "127.0.0.1:0");
    s.put("dfs.namenode.http-address", "127.0.0.1:0");
    // FSHLog on DFSOutputStream: the async WAL's output registers with HDFS's lease renewer without
    // a stream,
    // which Hadoop 3.4's renewer trips over (NPE in DFSClient.getNamespaces, renewer thread dies).
    s.put("hbase.wal.provider", "filesystem");
    s.put("hbase.wal.meta_provider", "filesystem");
    s.put("hbase.replication", "true");
    s.put("hbase.regionserver.replication.marker.enabled", "true");
    s.put("hbase.regionserver.replication.marker.chore.duration", String.valueOf(MARKER_PERIOD_MS));
    // Bulk loads reach the peer (their markers, and the files kept until shipped): the endpoint
    // captures them.
    s.put("hbase.replication.bulkload.enabled", "true");
    s.put("hbase.replication.cluster.id", "rewind-mini");
    if (observerOnClasspath()) {
      s.put("hbase.coprocessor.master.classes", OBSERVER_CLASS);
    }
    // Back-off between replication retries and while a source waits for new entries (default 1 s).
    s.put("replication.source.sleepforretries", "100");
    // A survivor claims a dead server's queues after this pause (default 30 s) ...
    s.put("replication.sleep.before.failover", "100");
    // ... once the dead server's WAL lease is recovered (first check after 4 s by default).
    s.put("hbase.lease.recovery.first.pause", "500");
    s.put("hbase.lease.recovery.pause", "200");
    // Fewer threads on a small machine; the workloads here are light.
    s.put("hbase.regionserver.handler.count", "8");
    s.put("hbase.master.handler.count", "8");
    s.put("hbase.client.retries.number", "30");
    // Clients wait for DDL and snapshot procedures by polling with this pause times a back-off
    // (default 100 ms):
    // on an in-JVM cluster the procedures finish in milliseconds, the polling would dominate.
    s.put("hbase.client.pause", "20");
    s.putAll(overrides);
    s.forEach(conf::set);
    return conf;
  }

  /**
   * Modules without producers on their classpath start the cluster without the observer: a master
   * would not start without its class.
   */
  private static boolean observerOnClasspath() {
    try {
      Class.forName(OBSERVER_CLASS, false, HBaseMiniCluster.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private void addPeer(RewindConfig rewind) throws IOException {
    Map<String, String> peerConfig = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : rewind.asMap().entrySet()) {
      if (isEndpointSetting(e.getKey())) {
        peerConfig.put(e.getKey(), e.getValue());
      }
    }
    try (Admin admin = connection().getAdmin()) {
      admin.addReplicationPeer(
          PEER_ID,
          ReplicationPeerConfig.newBuilder()
              .setReplicationEndpointImpl(ENDPOINT_CLASS)
              .setReplicateAllUserTables(true)
              .putAllConfiguration(peerConfig)
              .build());
    }
  }

  /** The settings a KafkaBackupEndpoint reads from its peer configuration. */
  static boolean isEndpointSetting(String key) {
    return key.equals(RewindConfig.BOOTSTRAP_SERVERS)
        || key.equals(RewindConfig.TOPIC_PREFIX)
        || key.equals(RewindConfig.REGISTRY_URL)
        || key.equals(RewindConfig.CHECKPOINT_MARGIN_MS)
        || key.equals(RewindConfig.STORE_URI)
        || key.startsWith("fs.")
        || key.startsWith("base.")
        || key.startsWith("segment.encryption.")
        || key.startsWith("kafka.")
        || key.startsWith("producer.")
        || key.startsWith("apicurio.")
        || key.startsWith("endpoint.");
  }

  /** A client configuration for this cluster. */
  public Configuration configuration() {
    return util.getConfiguration();
  }

  /** The shared client connection (closed with the cluster). */
  public Connection connection() throws IOException {
    return util.getConnection();
  }

  /**
   * Where the cluster keeps its files (hbase.rootdir on the mini HDFS, and fs.defaultFS): what a
   * base copy reads HFiles from, as an hbase-site.xml would tell it.
   */
  public Map<String, String> rootDirSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("hbase.rootdir", util.getConfiguration().get("hbase.rootdir"));
    settings.put("fs.defaultFS", util.getConfiguration().get("fs.defaultFS"));
    return settings;
  }

  /** The ZooKeeper quorum clients connect to, {@code 127.0.0.1:<port>}. */
  public String zookeeperQuorum() {
    return "127.0.0.1:" + util.getConfiguration().get("hbase.zookeeper.property.clientPort");
  }

  public HBaseTestingUtility util() {
    return util;
  }

  public MiniHBaseCluster cluster() {
    return util.getMiniHBaseCluster();
  }

  /** The region servers alive now. */
  public List<ServerName> liveRegionServers() {
    List<ServerName> live = new ArrayList<>();
    for (JVMClusterUtil.RegionServerThread t : cluster().getLiveRegionServerThreads()) {
      HRegionServer rs = t.getRegionServer();
      if (!rs.isAborted() && !rs.isStopping()) {
        live.add(rs.getServerName());
      }
    }
    return live;
  }

  /** The server hosting hbase:meta (killing it makes recovery slower: meta moves first). */
  public ServerName serverHoldingMeta() throws IOException {
    return cluster().getServerHoldingMeta();
  }

  /**
   * Kills a region server as a crash does (abort: no flush, no clean WAL close); the master
   * reassigns its regions and a survivor claims its replication queues. Returns once it is down.
   */
  public void killRegionServer(ServerName server) {
    MiniHBaseCluster c = cluster();
    List<JVMClusterUtil.RegionServerThread> threads = c.getRegionServerThreads();
    for (int i = 0; i < threads.size(); i++) {
      if (threads.get(i).getRegionServer().getServerName().equals(server)) {
        c.abortRegionServer(i);
        c.waitOnRegionServer(i);
        LOG.info("killed region server {}", server);
        return;
      }
    }
    throw new IllegalArgumentException(
        "no region server " + server + " in this cluster; live: " + liveRegionServers());
  }

  /**
   * Waits until no region is in transition (after a kill, once the survivors host every region).
   */
  public void awaitNoRegionsInTransition(Duration timeout) throws IOException {
    util.waitUntilNoRegionsInTransition(timeout.toMillis());
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      util.shutdownMiniCluster();
    } catch (IOException | RuntimeException e) {
      LOG.warn("stopping the HBase mini cluster failed: {}", e.toString(), e);
    }
  }
}
