package io.rewind.cli;

import io.rewind.restore.RestoreRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The YARN cluster's client configuration of {@code --engine mapreduce}: {@code --hadoop-conf DIR},
 * else HADOOP_CONF_DIR.
 */
final class HadoopConfDir {

  private static final List<String> SITE_FILES =
      List.of("core-site.xml", "hdfs-site.xml", "yarn-site.xml", "mapred-site.xml");

  private HadoopConfDir() {}

  /**
   * The cluster's site files over {@code base} (the HBase cluster's settings, which the job needs
   * too); refuses a missing directory, one without site files, and one naming no YARN cluster.
   */
  static Configuration load(Path option, Configuration base) {
    String env = System.getenv("HADOOP_CONF_DIR");
    Path dir = option != null ? option : env != null && !env.isBlank() ? Path.of(env) : null;
    if (dir == null) {
      throw new RestoreRefusedException(
          "--engine mapreduce submits a job to a YARN cluster: pass its client configuration with"
              + " --hadoop-conf DIR (core-site.xml, yarn-site.xml, mapred-site.xml) or set HADOOP_CONF_DIR");
    }
    if (!Files.isDirectory(dir)) {
      throw new RestoreRefusedException(
          "the Hadoop configuration directory "
              + dir
              + " does not exist: pass the directory holding the"
              + " cluster's core-site.xml, yarn-site.xml and mapred-site.xml (--hadoop-conf or HADOOP_CONF_DIR)");
    }
    Configuration conf = new Configuration(base);
    int found = 0;
    for (String site : SITE_FILES) {
      Path file = dir.resolve(site);
      if (Files.isRegularFile(file)) {
        conf.addResource(new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri()));
        found++;
      }
    }
    if (found == 0) {
      throw new RestoreRefusedException(
          "the Hadoop configuration directory "
              + dir
              + " holds none of "
              + String.join(", ", SITE_FILES)
              + ": pass the YARN cluster's client configuration directory (--hadoop-conf or HADOOP_CONF_DIR)");
    }
    if (!"yarn".equals(conf.get("mapreduce.framework.name"))) {
      throw new RestoreRefusedException(
          "the Hadoop configuration in "
              + dir
              + " does not name a YARN cluster (mapreduce.framework.name is "
              + conf.get("mapreduce.framework.name", "unset")
              + "): set it to yarn, with the resource manager's address"
              + " (yarn.resourcemanager.address), in mapred-site.xml / yarn-site.xml");
    }
    return conf;
  }
}
