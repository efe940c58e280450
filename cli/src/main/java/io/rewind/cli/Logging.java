package io.rewind.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels set by commands: the demo narrates itself, so Rewind's INFO lines would only repeat
 * it.
 */
final class Logging {
  private Logging() {}

  /**
   * For the demo: its own narration replaces Rewind's INFO lines and the embedded broker's
   * warnings.
   */
  static void quiet(boolean quiet) {
    if (quiet) {
      level("io.rewind", Level.WARN);
      level("org.apache.kafka", Level.ERROR);
      level("kafka", Level.ERROR);
      // The HBase mini cluster, its HDFS and ZooKeeper warn through every start, region move and
      // stop.
      level("org.apache.hadoop", Level.ERROR);
      level("org.apache.zookeeper", Level.ERROR);
      // The mini cluster's DataNode reports its own orderly shutdown as an error.
      level("org.apache.hadoop.hdfs.server.datanode", Level.OFF);
    }
  }

  private static void level(String logger, Level level) {
    if (LoggerFactory.getLogger(logger) instanceof Logger) {
      ((Logger) LoggerFactory.getLogger(logger)).setLevel(level);
    }
  }
}
