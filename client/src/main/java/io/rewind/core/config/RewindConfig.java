package io.rewind.core.config;

import io.rewind.core.error.RewindException;
import io.rewind.core.error.RewindException.Kind;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The settings every Rewind process shares, with their documented defaults. Values come from (in
 * rising precedence) the defaults, a properties file, environment variables ({@code REWIND_} +
 * the key upper-cased with dots as underscores) and explicit overrides (command-line options).
 * Keys that belong to Kafka clients pass through with the prefixes {@code kafka.},
 * {@code producer.}, {@code consumer.} and {@code admin.}.
 */
public final class RewindConfig {

  /** Kafka bootstrap servers. */
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  /** Prefix of every Rewind topic. */
  public static final String TOPIC_PREFIX = "topic.prefix";
  /** Partitions of the edits topic when Rewind creates it. */
  public static final String EDITS_PARTITIONS = "edits.partitions";
  /** Replication factor of topics Rewind creates. */
  public static final String REPLICATION_FACTOR = "topic.replication.factor";
  /** Retention of the edits topic, in ms, when Rewind creates it (-1: forever). */
  public static final String EDITS_RETENTION_MS = "edits.retention.ms";
  /** Object-store root: any Hadoop FileSystem URI (file:///var/rewind, s3a://bucket/prefix). */
  public static final String STORE_URI = "store.uri";
  /** Full URL of the schema registry API; empty means Avro single-object encoding. */
  public static final String REGISTRY_URL = "registry.url";
  /** Safety margin subtracted from every progress claim, in ms (part of the RPO). */
  public static final String CHECKPOINT_MARGIN_MS = "checkpoint.margin.ms";
  /** Segment roll size in bytes (uncompressed record bytes). */
  public static final String SEGMENT_MAX_BYTES = "segment.max.bytes";
  /** Segment roll age in ms: the RPO knob. */
  public static final String SEGMENT_MAX_AGE_MS = "segment.max.age.ms";
  /** Segment codec: zstd, snappy, deflate or none. */
  public static final String SEGMENT_CODEC = "segment.codec";
  /** Consumer group of the archivers. */
  public static final String ARCHIVER_GROUP = "archiver.group.id";
  /** application.id of the checkpoint Streams app. */
  public static final String CHECKPOINT_APPLICATION_ID = "checkpoint.application.id";
  /** How often the checkpoint app polls the end offsets of the edits topic, in ms. */
  public static final String CHECKPOINT_POLL_MS = "checkpoint.end.offsets.poll.ms";
  /** Kafka Streams state directory of the checkpoint app. */
  public static final String CHECKPOINT_STATE_DIR = "checkpoint.state.dir";

  /** Port of the checkpoint app's HTTP endpoint (status page, /checkpoint, /queues, /metrics); 0 = a free port, -1 = off. */
  public static final String CHECKPOINT_HTTP_PORT = "checkpoint.http.port";
  /** Address the checkpoint app's HTTP endpoint binds: loopback unless it runs in a container. */
  public static final String CHECKPOINT_HTTP_HOST = "checkpoint.http.host";

  /**
   * Memory of a restore's sorts, in bytes, shared by the partitions replayed at once: beyond it
   * their edits are sorted through files in {@link #RESTORE_SPILL_DIR}.
   */
  public static final String RESTORE_SORT_MEMORY_BYTES = "restore.sort.memory.bytes";
  /** Where a restore writes its sorted runs, in a directory of its own removed at the end. */
  public static final String RESTORE_SPILL_DIR = "restore.spill.dir";

  private static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(BOOTSTRAP_SERVERS, "127.0.0.1:9092");
    d.put(TOPIC_PREFIX, "rewind.");
    d.put(EDITS_PARTITIONS, "12");
    d.put(REPLICATION_FACTOR, "1");
    d.put(EDITS_RETENTION_MS, String.valueOf(7L * 24 * 3600 * 1000));
    d.put(STORE_URI, "");
    d.put(REGISTRY_URL, "");
    d.put(CHECKPOINT_MARGIN_MS, "500");
    d.put(SEGMENT_MAX_BYTES, String.valueOf(64L << 20));
    // The RPO knob: the archive of a partition lags its log by up to this age (docs/checkpoint.md).
    d.put(SEGMENT_MAX_AGE_MS, "500");
    d.put(SEGMENT_CODEC, "zstd");
    d.put(ARCHIVER_GROUP, "rewind-archivers");
    d.put(CHECKPOINT_APPLICATION_ID, "rewind-checkpoint");
    // A claim waits for the first poll after it: the interval adds up to itself to the RPO.
    d.put(CHECKPOINT_POLL_MS, "100");
    d.put(CHECKPOINT_STATE_DIR, System.getProperty("java.io.tmpdir") + "/rewind-streams");
    d.put(CHECKPOINT_HTTP_PORT, "0");
    d.put(CHECKPOINT_HTTP_HOST, "127.0.0.1");
    // Well inside a 512 MiB heap beside the rows in flight to the target (docs/restore.md).
    d.put(RESTORE_SORT_MEMORY_BYTES, String.valueOf(64L << 20));
    d.put(RESTORE_SPILL_DIR, System.getProperty("java.io.tmpdir"));
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  private final Map<String, String> values;

  private RewindConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Map<String, String> defaults() {
    return DEFAULTS;
  }

  public static RewindConfig of(Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    v.putAll(overrides);
    return new RewindConfig(v);
  }

  /** Defaults, then the file (if any), then REWIND_* environment variables, then overrides. */
  public static RewindConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    if (file != null) {
      v.putAll(readProperties(file));
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith("REWIND_") && !name.equals("REWIND_HOME")) {
            v.put(name.substring("REWIND_".length()).toLowerCase().replace('_', '.'), value);
          }
        });
    v.putAll(overrides);
    return new RewindConfig(v);
  }

  public static Map<String, String> readProperties(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new RewindException(Kind.REFUSED, "cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return m;
  }

  public RewindConfig with(String key, String value) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put(key, value);
    return new RewindConfig(v);
  }

  /** This configuration with every one of {@code overrides} set. */
  public RewindConfig withAll(Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.putAll(overrides);
    return new RewindConfig(v);
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("unknown configuration key '" + key + "'");
    }
    return v;
  }

  public String getOrDefault(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration '" + key + "' must be a whole number, got '" + v + "'");
    }
  }

  public int getInt(String key) {
    long v = getLong(key);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new IllegalArgumentException("configuration '" + key + "' is out of range: " + v);
    }
    return (int) v;
  }

  public String bootstrapServers() {
    return get(BOOTSTRAP_SERVERS);
  }

  public String topicPrefix() {
    return get(TOPIC_PREFIX);
  }

  public long marginMs() {
    return getLong(CHECKPOINT_MARGIN_MS);
  }

  /** The store URI, refusing an empty one with the fix in the message. */
  public String storeUri() {
    String uri = get(STORE_URI);
    if (uri.isBlank()) {
      throw new RewindException(Kind.REFUSED,
          "no object store configured: pass --store <uri> (file:///path or s3a://bucket/prefix) or set store.uri");
    }
    return uri;
  }

  public String registryUrl() {
    return get(REGISTRY_URL);
  }

  /** Keys under a prefix with the prefix removed: client pass-through settings. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            m.put(k.substring(prefix.length()), v);
          }
        });
    return m;
  }

  public Map<String, String> asMap() {
    return values;
  }
}
