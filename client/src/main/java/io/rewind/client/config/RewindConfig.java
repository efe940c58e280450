package io.rewind.client.config;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings every Rewind process shares, with their documented defaults. Values come from (in
 * rising precedence) the defaults, a properties file, environment variables ({@code REWIND_} + the
 * key upper-cased with dots as underscores) and explicit overrides (command-line options). Keys
 * that belong to Kafka clients pass through with the prefixes {@code kafka.}, {@code producer.},
 * {@code consumer.} and {@code admin.}.
 *
 * <p>The keys below are defined, with type, default and validation, in the ConfigDefs {@link
 * #KAFKA}, {@link #ARCHIVE}, {@link #CHECKPOINT} and {@link #RESTORE}; every configuration is
 * checked against them when it is built. A stage reads its own keys through {@link
 * #parse(ConfigDef)} with the ConfigDef it defines beside the code that reads them.
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

  /**
   * Port of the checkpoint app's HTTP endpoint (status page, /checkpoint, /queues, /metrics); 0 = a
   * free port, -1 = off.
   */
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

  /** Kafka, topics and the schema registry: every process's connection settings. */
  public static final ConfigDef KAFKA =
      new ConfigDef()
          .define(
              BOOTSTRAP_SERVERS,
              Type.STRING,
              "127.0.0.1:9092",
              Importance.HIGH,
              "Kafka bootstrap servers.")
          .define(
              TOPIC_PREFIX,
              Type.STRING,
              "rewind.",
              Importance.MEDIUM,
              "Prefix of every Rewind topic.")
          .define(
              EDITS_PARTITIONS,
              Type.INT,
              12,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Partitions of `edits` when Rewind creates it.")
          .define(
              REPLICATION_FACTOR,
              Type.INT,
              1,
              Range.between(1, Short.MAX_VALUE),
              Importance.HIGH,
              "Replication factor of topics Rewind creates (use 3 in production).")
          .define(
              EDITS_RETENTION_MS,
              Type.LONG,
              7L * 24 * 3600 * 1000,
              Range.atLeast(-1),
              Importance.HIGH,
              "Retention of `edits` when Rewind creates it (-1: forever): archivers must keep up within it.")
          .define(
              REGISTRY_URL,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Full schema registry API URL; empty: Avro single-object encoding.");

  /**
   * The object store and the segments the archivers write to it (the archiver's own keys:
   * ArchiverSettings.CONFIG).
   */
  public static final ConfigDef ARCHIVE =
      new ConfigDef()
          .define(
              STORE_URI,
              Type.STRING,
              "",
              Importance.HIGH,
              "Object-store root: `file:///var/lib/rewind`, `s3a://bucket/prefix`; empty: none (commands that need one"
                  + " refuse).")
          .define(
              ARCHIVER_GROUP,
              Type.STRING,
              "rewind-archivers",
              Importance.MEDIUM,
              "The archivers' consumer group.")
          .define(
              SEGMENT_MAX_BYTES,
              Type.LONG,
              64L << 20,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Segment roll size (uncompressed record bytes); also the bound on the memory a partition's open segment"
                  + " holds.")
          // The RPO knob: the archive of a partition lags its log by up to this age
          // (docs/checkpoint.md).
          .define(
              SEGMENT_MAX_AGE_MS,
              Type.LONG,
              500L,
              Range.atLeast(1),
              Importance.HIGH,
              "Segments roll at every multiple of it on the wall clock: a record waits at most this long, a partition makes"
                  + " at most 1000 / this segments per second on time; the RPO knob (was 1000; docs/checkpoint.md,"
                  + " docs/archivers.md).")
          .define(
              SEGMENT_CODEC,
              Type.STRING,
              "zstd",
              anyCase("zstd", "snappy", "deflate", "none"),
              Importance.MEDIUM,
              "Codec of segment blocks.");

  /** The checkpoint app, and the margin every progress claim keeps. */
  public static final ConfigDef CHECKPOINT =
      new ConfigDef()
          .define(
              CHECKPOINT_MARGIN_MS,
              Type.LONG,
              500L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Safety margin subtracted from every progress claim (part of the RPO).")
          .define(
              CHECKPOINT_APPLICATION_ID,
              Type.STRING,
              "rewind-checkpoint",
              Importance.MEDIUM,
              "The checkpoint app's Kafka Streams application.id.")
          // A claim waits for the first poll after it: the interval adds up to itself to the RPO.
          .define(
              CHECKPOINT_POLL_MS,
              Type.LONG,
              100L,
              Range.atLeast(1),
              Importance.LOW,
              "How often the checkpoint app polls the end offsets of `edits` (adds up to itself to the RPO).")
          .define(
              CHECKPOINT_STATE_DIR,
              Type.STRING,
              System.getProperty("java.io.tmpdir") + "/rewind-streams",
              Importance.MEDIUM,
              "Kafka Streams state directory of the checkpoint app.")
          .define(
              CHECKPOINT_HTTP_PORT,
              Type.INT,
              0,
              Range.between(-1, 65535),
              Importance.LOW,
              "Port of the checkpoint app's HTTP endpoint (status page, /checkpoint, /queues, /metrics); 0: a free port,"
                  + " -1: off.")
          .define(
              CHECKPOINT_HTTP_HOST,
              Type.STRING,
              "127.0.0.1",
              Importance.LOW,
              "Address the checkpoint app's HTTP endpoint binds: loopback unless it runs in a container.");

  /** A restore's sorts (the MapReduce engine's own keys: MapReduceEngine.CONFIG). */
  public static final ConfigDef RESTORE =
      new ConfigDef()
          // Well inside a 512 MiB heap beside the rows in flight to the target (docs/restore.md).
          .define(
              RESTORE_SORT_MEMORY_BYTES,
              Type.LONG,
              64L << 20,
              Range.atLeast(1L << 20),
              Importance.MEDIUM,
              "Memory of a restore's sorts, shared by the partitions replayed at once; what does not fit is sorted through"
                  + " files ([restore.md](restore.md)).")
          .define(
              RESTORE_SPILL_DIR,
              Type.STRING,
              System.getProperty("java.io.tmpdir"),
              Importance.MEDIUM,
              "Where a restore writes those files, in a directory of its own removed at the end (`rewind restore"
                  + " --spill-dir`).");

  /**
   * Every key above, which every RewindConfig is checked against and has defaults for. The stages
   * define their own keys beside the code that reads them (ArchiverSettings.CONFIG,
   * LeaseSettings.CONFIG, ...); docs/operations.md's settings tables are generated from them all.
   */
  public static final ConfigDef CONFIG = merged(KAFKA, ARCHIVE, CHECKPOINT, RESTORE);

  private static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    CONFIG.configKeys().forEach((name, key) -> d.put(name, String.valueOf(key.defaultValue)));
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  private final Map<String, String> values;

  /**
   * Refuses a value of a shared key that its definition does not accept (a ConfigException naming
   * the key).
   */
  private RewindConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    CONFIG.parse(this.values);
  }

  /**
   * One of {@code values}, in any case (the reader lower-cases it), listed as they are written in
   * the docs.
   */
  public static ConfigDef.Validator anyCase(String... values) {
    List<String> valid = List.of(values);
    String listed = String.join(", ", values) + " (any case)";
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value == null || !valid.contains(value.toString().trim().toLowerCase(Locale.ROOT))) {
            throw new ConfigException(name, value, "must be one of " + listed);
          }
        },
        () -> listed);
  }

  /** One definition holding the keys of all of {@code definitions}, which must not share a key. */
  public static ConfigDef merged(ConfigDef... definitions) {
    ConfigDef all = new ConfigDef();
    for (ConfigDef d : definitions) {
      d.configKeys().values().forEach(all::define);
    }
    return all;
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
  public static RewindConfig load(
      Path file, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
    if (file != null) {
      v.putAll(readProperties(file));
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith("REWIND_") && !name.equals("REWIND_HOME")) {
            v.put(
                name.substring("REWIND_".length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                value);
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
      throw new RewindException(
          Kind.REFUSED, "cannot read configuration file " + file + ": " + e.getMessage(), e);
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

  /**
   * The keys of {@code definition} parsed from this configuration: typed values, defaults for keys
   * not set, and a ConfigException naming the key for a value the definition refuses.
   */
  public AbstractConfig parse(ConfigDef definition) {
    return new AbstractConfig(definition, values, false);
  }

  public String getOrDefault(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "configuration '" + key + "' must be a whole number, got '" + v + "'");
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
      throw new RewindException(
          Kind.REFUSED,
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
