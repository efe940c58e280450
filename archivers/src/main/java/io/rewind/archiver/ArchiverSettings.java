package io.rewind.archiver;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.kafka.Topics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.file.CodecFactory;

/**
 * What an archiver reads from the shared configuration. Keys (defaults in {@link RewindConfig}):
 *
 * <ul>
 *   <li>{@code segment.max.bytes} (64 MiB): a segment rolls before its record bytes (key, value,
 *       headers, uncompressed) would pass this; it is also the bound on the memory a partition's
 *       open segment holds, since segments are buffered until they roll;
 *   <li>{@code segment.max.age.ms} (1000): a segment rolls this long after its first record (the
 *       RPO knob, with the marker interval and the checkpoint margin);
 *   <li>{@code segment.codec} (zstd): zstd, snappy, deflate or none;
 *   <li>{@code archiver.group.id} (rewind-archivers): the consumer group over the edits topic;
 *   <li>{@code store.uri}, {@code registry.url}, {@code topic.prefix}, {@code bootstrap.servers};
 *   <li>{@code fs.*}: passed as they are to the store's Hadoop FileSystem (fs.s3a.endpoint...).
 * </ul>
 */
public final class ArchiverSettings {

  /** Prefix of Hadoop FileSystem settings passed to the object store unchanged. */
  public static final String HADOOP_PREFIX = "fs.";

  private final RewindConfig config;
  private final long segmentMaxBytes;
  private final long segmentMaxAgeMs;
  private final String codec;

  public ArchiverSettings(RewindConfig config) {
    this.config = config;
    this.segmentMaxBytes = positive(config, RewindConfig.SEGMENT_MAX_BYTES);
    this.segmentMaxAgeMs = positive(config, RewindConfig.SEGMENT_MAX_AGE_MS);
    this.codec = config.get(RewindConfig.SEGMENT_CODEC).trim().toLowerCase(Locale.ROOT);
    codecFactory(codec);
  }

  private static long positive(RewindConfig config, String key) {
    long v = config.getLong(key);
    if (v <= 0) {
      throw new IllegalArgumentException("configuration '" + key + "' must be positive, got " + v);
    }
    return v;
  }

  /** Avro's codec for a segment.codec name; refuses unknown names with the accepted ones. */
  public static CodecFactory codecFactory(String name) {
    switch (name) {
      case "zstd":
        return CodecFactory.zstandardCodec(3);
      case "snappy":
        return CodecFactory.snappyCodec();
      case "deflate":
        return CodecFactory.deflateCodec(6);
      case "none":
        return CodecFactory.nullCodec();
      default:
        throw new IllegalArgumentException(
            "segment.codec '" + name + "' is not supported: use zstd, snappy, deflate or none");
    }
  }

  public RewindConfig config() {
    return config;
  }

  public long segmentMaxBytes() {
    return segmentMaxBytes;
  }

  public long segmentMaxAgeMs() {
    return segmentMaxAgeMs;
  }

  /** The segment.codec name as configured (zstd, snappy, deflate, none). */
  public String codec() {
    return codec;
  }

  public CodecFactory codecFactory() {
    return codecFactory(codec);
  }

  public String groupId() {
    return config.get(RewindConfig.ARCHIVER_GROUP);
  }

  public Topics topics() {
    return new Topics(config.topicPrefix());
  }

  public String storeUri() {
    return config.storeUri();
  }

  public String registryUrl() {
    return config.registryUrl();
  }

  /** The {@code fs.*} keys, unchanged, for the store's Hadoop configuration. */
  public Map<String, String> storeHadoopConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    config.asMap().forEach(
        (k, v) -> {
          if (k.startsWith(HADOOP_PREFIX)) {
            conf.put(k, v);
          }
        });
    return conf;
  }

  /** How long the poll loop blocks at most: bounds the latency of age rolls and roll requests. */
  public long pollMs() {
    return Math.max(10, Math.min(100, segmentMaxAgeMs / 4));
  }

  /** Wait before retrying a partition whose commit failed (store or Kafka unavailable). */
  public long retryBackoffMs() {
    return 1000;
  }
}
