package io.rewind.stack;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.v2.MiniMRYarnCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A YARN cluster with MapReduce (Hadoop's MiniMRYarnCluster: a resource manager, node managers, the
 * job history server) beside an HBase mini cluster, whose HDFS it uses: the cluster the MapReduce
 * restore engine submits its job to. Loopback only; task JVMs small, with the module opens Hadoop
 * and HBase need on JDK 17.
 */
public final class MapReduceMiniCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MapReduceMiniCluster.class);
  private static final String TASK_OPTS =
      "-Xmx384m -XX:+UseSerialGC --add-opens=java.base/java.lang=ALL-UNNAMED"
          + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED";

  private final MiniMRYarnCluster cluster;
  private final Configuration client;
  private final Path confDir;

  private MapReduceMiniCluster(MiniMRYarnCluster cluster, Configuration client, Path confDir) {
    this.cluster = cluster;
    this.client = client;
    this.confDir = confDir;
  }

  /**
   * @param hbase the HBase mini cluster whose HDFS holds the jobs' files
   * @param nodeManagers node managers, each offering {@code memoryMb} to containers
   * @param dir where the cluster's client configuration is written ({@link #confDir()})
   */
  public static MapReduceMiniCluster start(
      HBaseMiniCluster hbase, int nodeManagers, int memoryMb, Path dir) throws IOException {
    long started = System.nanoTime();
    Configuration conf = new Configuration(hbase.configuration());
    settings(memoryMb).forEach(conf::set);
    MiniMRYarnCluster cluster = new MiniMRYarnCluster("rewind", nodeManagers);
    try {
      cluster.init(conf);
      cluster.start();
      Configuration client = new Configuration(cluster.getConfig());
      Path confDir = Files.createDirectories(dir);
      try (OutputStream out = Files.newOutputStream(confDir.resolve("mapred-site.xml"))) {
        client.writeXml(out);
      }
      LOG.info(
          "MapReduce mini cluster ready in {} ms: {} node managers, resource manager {}",
          (System.nanoTime() - started) / 1_000_000,
          nodeManagers,
          client.get("yarn.resourcemanager.address"));
      return new MapReduceMiniCluster(cluster, client, confDir);
    } catch (IOException | RuntimeException e) {
      cluster.stop();
      throw e;
    }
  }

  /**
   * Loopback addresses, small containers, no memory checks (task JVMs share this machine with the
   * tests).
   */
  static Map<String, String> settings(int memoryMb) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("yarn.resourcemanager.hostname", "127.0.0.1");
    s.put("yarn.resourcemanager.bind-host", "127.0.0.1");
    s.put("yarn.nodemanager.hostname", "127.0.0.1");
    s.put("yarn.nodemanager.bind-host", "127.0.0.1");
    s.put("yarn.timeline-service.hostname", "127.0.0.1");
    s.put("yarn.timeline-service.bind-host", "127.0.0.1");
    s.put("mapreduce.jobhistory.bind-host", "127.0.0.1");
    s.put("mapreduce.jobhistory.address", "127.0.0.1:0");
    s.put("mapreduce.jobhistory.webapp.address", "127.0.0.1:0");
    s.put("yarn.resourcemanager.webapp.address", "127.0.0.1:0");
    s.put("yarn.nodemanager.webapp.address", "127.0.0.1:0");
    s.put("yarn.nodemanager.resource.memory-mb", String.valueOf(memoryMb));
    s.put("yarn.scheduler.minimum-allocation-mb", "128");
    s.put("yarn.scheduler.maximum-allocation-mb", String.valueOf(memoryMb));
    s.put("yarn.nodemanager.vmem-check-enabled", "false");
    s.put("yarn.nodemanager.pmem-check-enabled", "false");
    s.put("yarn.app.mapreduce.am.resource.mb", "512");
    s.put("yarn.app.mapreduce.am.command-opts", TASK_OPTS);
    s.put("mapreduce.map.memory.mb", "512");
    s.put("mapreduce.reduce.memory.mb", "512");
    s.put("mapreduce.map.java.opts", TASK_OPTS);
    s.put("mapreduce.reduce.java.opts", TASK_OPTS);
    s.put("mapreduce.task.io.sort.mb", "32");
    // Reducers start once every map is done: on a machine of few cores, early ones only take CPU
    // from the maps.
    s.put("mapreduce.job.reduce.slowstart.completedmaps", "1.0");
    // Containers run from their own directories: this JVM's classpath, every entry absolute (a
    // "dir/*" stays a wildcard).
    s.put("mapreduce.application.classpath", absoluteClasspath());
    return s;
  }

  private static String absoluteClasspath() {
    StringBuilder cp = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      String absolute =
          entry.endsWith("*")
              ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath()
                  + File.separator
                  + "*"
              : Path.of(entry).toAbsolutePath().toString();
      cp.append(cp.length() == 0 ? "" : ",").append(absolute);
    }
    return cp.toString();
  }

  /** The cluster's client settings: what {@code --hadoop-conf} reads from {@link #confDir()}. */
  public Configuration configuration() {
    return new Configuration(client);
  }

  /** A directory holding the client settings as mapred-site.xml. */
  public Path confDir() {
    return confDir;
  }

  @Override
  public void close() {
    cluster.stop();
  }
}
