package io.rewind.producer.hbase;

import io.rewind.client.base.FileCopier;
import io.rewind.client.config.RewindConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The endpoint's settings, from the replication peer's configuration ({@code add_peer ... CONFIG =>
 * {...}}): every Rewind key ({@code bootstrap.servers}, {@code topic.prefix}, {@code registry.url},
 * {@code checkpoint.margin.ms}; Kafka security settings as {@code kafka.*}, producer tuning as
 * {@code producer.*}) plus the endpoint's own {@code endpoint.*} keys below.
 */
public final class EndpointSettings {

  /** How often the cluster snapshot chore reads the queue storage, ms. */
  static final String SNAPSHOT_INTERVAL_MS = "endpoint.snapshot.interval.ms";

  /** Whether this endpoint publishes cluster snapshots at all. */
  static final String SNAPSHOTS_ENABLED = "endpoint.snapshots.enabled";

  /** The endpoint's own endpoint.* settings, from the peer's CONFIG. */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              SNAPSHOT_INTERVAL_MS,
              Type.LONG,
              300L,
              Range.atLeast(10),
              Importance.LOW,
              "How often the endpoint's cluster snapshot chore reads HBase's replication queue storage.")
          .define(
              SNAPSHOTS_ENABLED,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Whether this endpoint publishes cluster snapshots (the queues' positions) at all.");

  private final RewindConfig config;
  private final long snapshotIntervalMs;
  private final boolean snapshotsEnabled;

  EndpointSettings(Map<String, String> peerConfiguration) {
    if (!peerConfiguration.containsKey(RewindConfig.BOOTSTRAP_SERVERS)) {
      throw new IllegalArgumentException(
          "the replication peer of KafkaBackupEndpoint has no '"
              + RewindConfig.BOOTSTRAP_SERVERS
              + "' in its configuration:"
              + " add it with add_peer ..., CONFIG => { '"
              + RewindConfig.BOOTSTRAP_SERVERS
              + "' => 'broker1:9092,broker2:9092' }"
              + " (docs/hbase-endpoint.md)");
    }
    this.config = RewindConfig.of(relocateKafkaClassNames(peerConfiguration));
    AbstractConfig own = config.parse(CONFIG);
    this.snapshotIntervalMs = own.getLong(SNAPSHOT_INTERVAL_MS);
    this.snapshotsEnabled = own.getBoolean(SNAPSHOTS_ENABLED);
    // Checked here so that a bad value refuses the peer at its start, not its first captured bulk
    // load.
    config.parse(FileCopier.CONFIG);
  }

  /**
   * In the shaded endpoint jar Kafka lives under a relocated package, so class names in client
   * settings (a JAAS login module in {@code kafka.sasl.jaas.config}, a callback handler) written
   * the usual way, {@code org.apache.kafka...}, are rewritten to where the classes are. Built at
   * run time: the shade plugin would rewrite a literal.
   */
  static Map<String, String> relocateKafkaClassNames(Map<String, String> settings) {
    String original = String.join(".", "org", "apache", "kafka") + ".";
    String actual = KafkaProducer.class.getName().replace("clients.producer.KafkaProducer", "");
    if (original.equals(actual)) {
      return settings;
    }
    Map<String, String> relocated = new LinkedHashMap<>();
    settings.forEach((k, v) -> relocated.put(k, v == null ? null : v.replace(original, actual)));
    return relocated;
  }

  RewindConfig rewindConfig() {
    return config;
  }

  long snapshotIntervalMs() {
    return snapshotIntervalMs;
  }

  boolean snapshotsEnabled() {
    return snapshotsEnabled;
  }
}
