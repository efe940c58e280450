package io.rewind.archiver;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.kafka.Topics;
import io.rewind.core.segment.BlockCodecs;
import io.rewind.core.segment.KeyRing;
import io.rewind.core.segment.SegmentFormat;
import io.rewind.core.segment.SegmentKey;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an archiver reads from the shared configuration. Keys (defaults in {@link RewindConfig}):
 *
 * <ul>
 *   <li>{@code segment.max.bytes} (64 MiB): a segment rolls before its record bytes (key, value,
 *       headers, uncompressed) would pass this; it is also the bound on the memory a partition's
 *       open segment holds, since segments are buffered until they roll;
 *   <li>{@code segment.max.age.ms} (500): segments roll at every multiple of it on the wall clock,
 *       so a record waits at most this long in an open segment and a partition rolls on time at
 *       most once per this long ({@link RollRule}; the RPO knob, with the marker interval and the
 *       checkpoint margin; 1000 until the RPO bench showed p99 above 2 s at 50,000 edits/s: twice
 *       the segments and manifests of 1000);
 *   <li>{@code segment.codec} (zstd): zstd, snappy, deflate or none;
 *   <li>{@value #SEGMENT_FORMAT} (columnar): columnar (format 2: blocks of columns, each value stored
 *       as its difference from its row's previous edit, ~20% fewer bytes) or records (format 1:
 *       one Avro record per Kafka record, for a store that Rewind versions before format 2 must
 *       still restore from); restores read both;
 *   <li>{@value #ZSTD_LEVEL} (3): zstd's level, -7 (fastest) to 22; on simulated edits in format 2
 *       level 1 stores ~10% more bytes than 3, level 6 ~7% fewer at 2.6 times the compression CPU
 *       (docs/archivers.md);
 *   <li>{@code archiver.group.id} (rewind-archivers): the consumer group over the edits topic;
 *   <li>{@code store.uri}, {@code registry.url}, {@code topic.prefix}, {@code bootstrap.servers};
 *   <li>{@value #UPLOAD_MAX_BYTES_PER_SEC} (0: unlimited): cap on the average upload bandwidth of
 *       this archiver's segments, in bytes per second, shared by its worker threads;
 *   <li>{@value #WORKER_THREADS} (2): worker threads that compress segment blocks while the poll
 *       loop reads on, and write the segments of one roll to the store in parallel: the cap on
 *       the archiver's threads besides its poll and control threads;
 *   <li>{@code segment.encryption.key.file} / {@code segment.encryption.key.env} /
 *       {@code segment.encryption.key.id}: optional client-side AES-GCM encryption of segments
 *       (see {@link SegmentKey});
 *   <li>{@value #GC_GRACE_MS} (1 h): an orphan segment (no manifest) is removed by {@code rewind gc}
 *       only once it is this old;
 *   <li>{@code fs.*}: passed as they are to the store's Hadoop FileSystem (fs.s3a.endpoint,
 *       fs.s3a.encryption.algorithm...).
 * </ul>
 */
public final class ArchiverSettings {

  /** Prefix of Hadoop FileSystem settings passed to the object store unchanged. */
  public static final String HADOOP_PREFIX = "fs.";
  public static final String UPLOAD_MAX_BYTES_PER_SEC = "archiver.upload.max.bytes.per.sec";
  public static final String WORKER_THREADS = "archiver.worker.threads";
  public static final String GC_GRACE_MS = "gc.grace.ms";
  public static final String ZSTD_LEVEL = "segment.zstd.level";
  public static final String SEGMENT_FORMAT = "segment.format";
  /** Where a partition the store holds nothing of starts when its log no longer starts at 0: refuse, or log-start. */
  public static final String NEW_STORE_START = "archiver.new.store.start";

  private final RewindConfig config;
  private final long segmentMaxBytes;
  private final long segmentMaxAgeMs;
  private final String codec;
  private final SegmentFormat format;
  private final long uploadBytesPerSecond;
  private final int workerThreads;
  private final long gcGraceMs;
  private final int zstdLevel;
  private final SegmentKey segmentKey;
  private final boolean newStoreFromLogStart;

  public ArchiverSettings(RewindConfig config) {
    this.config = config;
    this.segmentMaxBytes = positive(config, RewindConfig.SEGMENT_MAX_BYTES);
    this.segmentMaxAgeMs = positive(config, RewindConfig.SEGMENT_MAX_AGE_MS);
    this.codec = config.get(RewindConfig.SEGMENT_CODEC).trim().toLowerCase(Locale.ROOT);
    BlockCodecs.create(codec); // refuses an unknown name, listing the accepted ones
    this.format = SegmentFormat.of(config.getOrDefault(SEGMENT_FORMAT, "columnar"));
    this.uploadBytesPerSecond = number(config, UPLOAD_MAX_BYTES_PER_SEC, 0, 0);
    this.workerThreads = (int) number(config, WORKER_THREADS, 2, 1);
    this.gcGraceMs = number(config, GC_GRACE_MS, 3_600_000L, 0);
    this.zstdLevel = (int) number(config, ZSTD_LEVEL, BlockCodecs.DEFAULT_ZSTD_LEVEL, -7);
    if (zstdLevel > 22) {
      throw new IllegalArgumentException("configuration '" + ZSTD_LEVEL + "' must be at most 22, got " + zstdLevel);
    }
    this.segmentKey = KeyRing.fromConfig(config).writer().orElse(null);
    String start = config.getOrDefault(NEW_STORE_START, "refuse").trim().toLowerCase(Locale.ROOT);
    if (!start.equals("refuse") && !start.equals("log-start")) {
      throw new IllegalArgumentException("configuration '" + NEW_STORE_START + "' must be refuse or log-start, got '" + start + "'");
    }
    this.newStoreFromLogStart = start.equals("log-start");
  }

  /** An empty store may begin a partition at its log start although offsets below it were never archived here. */
  public boolean newStoreFromLogStart() {
    return newStoreFromLogStart;
  }

  static long number(RewindConfig config, String key, long fallback, long min) {
    String text = config.getOrDefault(key, String.valueOf(fallback)).trim();
    long v;
    try {
      v = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration '" + key + "' must be a whole number, got '" + text + "'");
    }
    if (v < min) {
      throw new IllegalArgumentException("configuration '" + key + "' must be at least " + min + ", got " + v);
    }
    return v;
  }

  private static long positive(RewindConfig config, String key) {
    long v = config.getLong(key);
    if (v <= 0) {
      throw new IllegalArgumentException("configuration '" + key + "' must be positive, got " + v);
    }
    return v;
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

  SegmentFormat format() {
    return format;
  }

  /** The segment.format name: columnar or records. */
  public String segmentFormat() {
    return format.name().toLowerCase(Locale.ROOT);
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

  /** Upload bandwidth cap in bytes per second; 0 means unlimited. */
  public long uploadBytesPerSecond() {
    return uploadBytesPerSecond;
  }

  /** Worker threads: block compression and segment uploads. */
  public int workerThreads() {
    return workerThreads;
  }

  /** Zstandard level of segment blocks (with segment.codec=zstd). */
  public int zstdLevel() {
    return zstdLevel;
  }

  /** Minimum age of an orphan segment before garbage collection removes it, in ms. */
  public long gcGraceMs() {
    return gcGraceMs;
  }

  /** The key segments are sealed with: the newest of the configured key ring, when there is one. */
  public Optional<SegmentKey> segmentKey() {
    return Optional.ofNullable(segmentKey);
  }

  /** How long the poll loop blocks at most: bounds the latency of roll requests (age rolls wake it at their tick). */
  public long pollMs() {
    return Math.max(10, Math.min(100, segmentMaxAgeMs / 4));
  }

  /** Wait before retrying a partition whose commit failed (store or Kafka unavailable). */
  public long retryBackoffMs() {
    return 1000;
  }
}
