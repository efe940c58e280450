package io.rewind.endpointit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.StartMiniClusterOption;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.regionserver.HRegionServer;
import org.apache.hadoop.hbase.replication.ReplicationEndpoint;
import org.apache.hadoop.hbase.replication.ReplicationPeerConfig;
import org.apache.hadoop.hbase.replication.regionserver.ReplicationSourceInterface;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * The operator's side of endpoint-it, run in a JVM whose classpath is HBase 2.6.1's own jars, the
 * Rewind endpoint jar and a conf directory with hbase-site.xml: starts a mini cluster (one master,
 * one region server) from that hbase-site.xml, adds peers as docs/hbase-endpoint.md tells operators
 * (the ReplicationPeerConfig its {@code add_peer} shell command builds), creates a backed-up table,
 * writes rows, and reports each step as a file in the work directory. Runs until stopped, or until its stdin closes.
 *
 * <p>Work directory in: {@code peer.properties} (the backup peer's CONFIG), {@code
 * oauth-peer.properties} (a peer whose endpoint must start), {@code refused-peer.properties} (a
 * peer add_peer must refuse). Out: {@code refused.txt}, {@code oauth.txt}, {@code written.txt}
 * (the rows as cell-dump lines, then {@code T <millis>}), {@code failed.txt} on any failure.
 */
public final class OperatorHBase {

  static final String ENDPOINT = "io.rewind.producer.hbase.KafkaBackupEndpoint";
  static final TableName TABLE = TableName.valueOf("it", "orders");
  static final byte[] FAMILY = Bytes.toBytes("d");
  static final int ROWS = 50;
  static final int DELETED_ROW = 7;

  private OperatorHBase() {}

  public static void main(String[] args) throws Exception {
    Path work = Paths.get(args[0]);
    HBaseTestingUtility util = new HBaseTestingUtility(HBaseConfiguration.create());
    try {
      util.startMiniCluster(StartMiniClusterOption.builder().numMasters(1).numRegionServers(1).numDataNodes(1).build());
      try (Admin admin = util.getConnection().getAdmin()) {
        report(work, "refused.txt", addRefusedPeer(admin, load(work, "refused-peer.properties")));
        report(work, "oauth.txt", startAndRemove(util, admin, "oauth", load(work, "oauth-peer.properties")));
        admin.addReplicationPeer("rewind", peer(load(work, "peer.properties")));
        admin.createNamespace(NamespaceDescriptor.create(TABLE.getNamespaceAsString()).build());
        admin.createTable(TableDescriptorBuilder.newBuilder(TABLE)
            .setColumnFamily(ColumnFamilyDescriptorBuilder.newBuilder(FAMILY).setScope(1).setMaxVersions(Integer.MAX_VALUE).build())
            .build());
      }
      report(work, "written.txt", writeRows(util.getConnection().getTable(TABLE)));
      awaitStdinClosed();
    } catch (Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      report(work, "failed.txt", trace.toString());
      throw t;
    } finally {
      util.shutdownMiniCluster();
    }
  }

  /** What {@code add_peer 'id', ENDPOINT_CLASSNAME => ..., CONFIG => {...}} builds: no TABLE_CFS, so every replicated table. */
  static ReplicationPeerConfig peer(Properties config) {
    org.apache.hadoop.hbase.replication.ReplicationPeerConfigBuilder b =
        ReplicationPeerConfig.newBuilder().setReplicationEndpointImpl(ENDPOINT).setReplicateAllUserTables(true);
    config.stringPropertyNames().forEach(k -> b.putConfiguration(k, config.getProperty(k)));
    return b.build();
  }

  private static String addRefusedPeer(Admin admin, Properties config) {
    try {
      admin.addReplicationPeer("refused", peer(config));
      return "ADDED";
    } catch (IOException e) {
      return "REFUSED " + e.getMessage();
    }
  }

  /** Adds the peer, waits until its endpoint runs on the region server (or 60 s), removes it; says which. */
  private static String startAndRemove(HBaseTestingUtility util, Admin admin, String id, Properties config) throws Exception {
    admin.addReplicationPeer(id, peer(config));
    HRegionServer rs = util.getMiniHBaseCluster().getRegionServer(0);
    String state = "NOT STARTED within 60 s";
    for (long deadline = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < deadline; Thread.sleep(100)) {
      ReplicationSourceInterface source = rs.getReplicationSourceService().getReplicationManager().getSource(id);
      ReplicationEndpoint endpoint = source == null ? null : source.getReplicationEndpoint();
      if (endpoint != null && endpoint.isRunning()) {
        state = "RUNNING";
        break;
      }
    }
    admin.removeReplicationPeer(id);
    return state;
  }

  /** Puts with explicit timestamps, one row deleted; returns the visible cells as cell-dump lines, then T. */
  private static String writeRows(Table table) throws IOException {
    long base = System.currentTimeMillis() - 60_000;
    List<String> visible = new ArrayList<>();
    try (table) {
      for (int i = 0; i < ROWS; i++) {
        String row = String.format("row-%03d", i);
        String value = "v-" + i;
        table.put(new Put(Bytes.toBytes(row)).addColumn(FAMILY, Bytes.toBytes("q"), base + i, Bytes.toBytes(value)));
        if (i != DELETED_ROW) {
          visible.add(row + "\td:q\t" + (base + i) + "\t" + value);
        }
      }
      table.delete(new Delete(Bytes.toBytes(String.format("row-%03d", DELETED_ROW))));
    }
    long t = System.currentTimeMillis() + 1;
    return String.join("\n", visible) + "\nT " + t + "\n";
  }

  private static Properties load(Path work, String name) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(work.resolve(name))) {
      p.load(in);
    }
    return p;
  }

  /** Written whole under a temporary name, then moved: the test never reads half a report. */
  private static void report(Path work, String name, String content) throws IOException {
    Path tmp = work.resolve(name + ".tmp");
    Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, work.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Until the test stops this process, or its own JVM is gone (stdin then closes): no cluster outlives the test. */
  private static void awaitStdinClosed() throws IOException {
    while (System.in.read() != -1) {
      continue;
    }
  }
}
