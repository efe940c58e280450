package io.rewind.cli;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import picocli.CommandLine.Option;

/**
 * Where an HBase cluster is, for commands that write into one: its ZooKeeper quorum, or an
 * hbase-site.xml, plus any client setting. Giving either selects HBase as the restore target.
 */
public final class HBaseConnectionOptions {

  @Option(
      names = "--hbase-zk",
      paramLabel = "QUORUM",
      description =
          "ZooKeeper quorum of the target HBase cluster, host[:port][,host[:port]...] (hbase.zookeeper.quorum).")
  String zookeeper;

  @Option(
      names = "--hbase-site",
      paramLabel = "FILE",
      description = "hbase-site.xml of the target HBase cluster.")
  Path site;

  @Option(
      names = "--hbase-conf",
      paramLabel = "KEY=VALUE",
      description =
          "Any HBase client setting, e.g. --hbase-conf zookeeper.znode.parent=/hbase-unsecure.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** True when an HBase cluster was named. */
  public boolean given() {
    return zookeeper != null || site != null;
  }

  Configuration configuration() {
    Configuration conf = HBaseConfiguration.create();
    if (site != null) {
      if (!Files.isReadable(site)) {
        throw new RewindException(
            Kind.REFUSED,
            "cannot read --hbase-site " + site + ": give the path of the cluster's hbase-site.xml");
      }
      conf.addResource(new org.apache.hadoop.fs.Path(site.toAbsolutePath().toUri()));
    }
    if (zookeeper != null) {
      conf.set("hbase.zookeeper.quorum", zookeeper);
    }
    settings.forEach(conf::set);
    return conf;
  }

  /**
   * Connects after checking, with bounded retries and low client timeouts, that the cluster
   * answers: an unreachable cluster fails in seconds naming the quorum, instead of the client's
   * default retries (minutes) hanging a restore.
   */
  public Connection connect() throws IOException {
    Configuration conf = configuration();
    String where =
        zookeeper != null
            ? "--hbase-zk " + zookeeper
            : "--hbase-site " + site + " (quorum " + conf.get("hbase.zookeeper.quorum") + ")";
    HBaseReachability.check(conf, where);
    try {
      return ConnectionFactory.createConnection(conf);
    } catch (IOException e) {
      throw new IOException(
          "cannot connect to HBase at "
              + where
              + ": "
              + e.getMessage()
              + ". Check the quorum (--hbase-zk) or hbase-site.xml (--hbase-site)",
          e);
    }
  }
}
