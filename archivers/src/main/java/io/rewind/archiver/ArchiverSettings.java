package io.rewind.archiver;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.Topics;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.store.segment.BlockCodecs;
import io.rewind.store.segment.SegmentFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What an archiver reads from the shared configuration: the store and segment keys of {@link
 * RewindConfig#ARCHIVE} (a segment is buffered until it rolls, so segment.max.bytes also bounds a
 * partition's memory; segment.max.age.ms rolls on the wall clock, {@link RollRule}), its own keys
 * in {@link #CONFIG}, the key ring of {@link KeyRing#CONFIG}, and {@code fs.*}, passed as they are
 * to the store's Hadoop FileSystem. Types, defaults and meanings: those ConfigDefs, tabled in
 * docs/operations.md.
 */
public final class ArchiverSettings {

  /** Prefix of Hadoop FileSystem settings passed to the object store unchanged. */
  public static final String HADOOP_PREFIX = "fs.";

  public static final String UPLOAD_MAX_BYTES_PER_SEC = "archiver.upload.max.bytes.per.sec";
  public static final String WORKER_THREADS = "archiver.worker.threads";
  public static final String GC_GRACE_MS = "gc.grace.ms";
  public static final String ZSTD_LEVEL = "segment.zstd.level";
  public static final String SEGMENT_FORMAT = "segment.format";

  /**
   * Where a partition the store holds nothing of starts when its log no longer starts at 0: refuse,
   * or log-start.
   */
  public static final String NEW_STORE_START = "archiver.new.store.start";

  /**
   * The archiver's own settings; the segment and Kafka keys it also reads are
   * RewindConfig.CONFIG's.
   */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              SEGMENT_FORMAT,
              Type.STRING,
              "columnar",
              RewindConfig.anyCase("columnar", "records"),
              Importance.MEDIUM,
              "`columnar` (format 2: blocks of columns, ~20% fewer bytes) or `records` (format 1: for a store that Rewind"
                  + " versions before format 2 must still restore from, e.g. while restore hosts are upgraded after the"
                  + " archivers); restores read both.")
          .define(
              ZSTD_LEVEL,
              Type.INT,
              BlockCodecs.DEFAULT_ZSTD_LEVEL,
              Range.between(-7, 22),
              Importance.LOW,
              "zstd level of segment blocks: on simulated edits level 1 stores ~10% more bytes than 3, level 6 ~7% fewer at"
                  + " 2.6 times the compression CPU (docs/archivers.md).")
          .define(
              WORKER_THREADS,
              Type.INT,
              2,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Threads that compress blocks and write segments (with the poll and control threads, the archiver's own"
                  + " budget).")
          .define(
              UPLOAD_MAX_BYTES_PER_SEC,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Cap on segment bytes written per second, shared by the workers; 0: none.")
          .define(
              NEW_STORE_START,
              Type.STRING,
              "refuse",
              RewindConfig.anyCase("refuse", "log-start"),
              Importance.MEDIUM,
              "A partition the store holds nothing of, whose log no longer starts at 0 or whose group committed before, is"
                  + " stopped with a named error (offsets were lost, or `store.uri` changed); `log-start` archives it from the"
                  + " log start: only for a deliberately new store on an existing topic.")
          .define(
              GC_GRACE_MS,
              Type.LONG,
              3_600_000L,
              Range.atLeast(0),
              Importance.LOW,
              "`rewind gc` removes an orphan segment (no manifest) only when it is older than this.");

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
    AbstractConfig own = config.parse(CONFIG);
    AbstractConfig shared = config.parse(RewindConfig.CONFIG);
    this.config = config;
    this.segmentMaxBytes = shared.getLong(RewindConfig.SEGMENT_MAX_BYTES);
    this.segmentMaxAgeMs = shared.getLong(RewindConfig.SEGMENT_MAX_AGE_MS);
    this.codec = shared.getString(RewindConfig.SEGMENT_CODEC).toLowerCase(Locale.ROOT);
    this.format = SegmentFormat.of(own.getString(SEGMENT_FORMAT));
    this.uploadBytesPerSecond = own.getLong(UPLOAD_MAX_BYTES_PER_SEC);
    this.workerThreads = own.getInt(WORKER_THREADS);
    this.gcGraceMs = own.getLong(GC_GRACE_MS);
    this.zstdLevel = own.getInt(ZSTD_LEVEL);
    this.segmentKey = KeyRing.fromConfig(config).writer().orElse(null);
    this.newStoreFromLogStart =
        own.getString(NEW_STORE_START).toLowerCase(Locale.ROOT).equals("log-start");
  }

  /**
   * An empty store may begin a partition at its log start although offsets below it were never
   * archived here.
   */
  public boolean newStoreFromLogStart() {
    return newStoreFromLogStart;
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
    config
        .asMap()
        .forEach(
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

  /**
   * How long the poll loop blocks at most: bounds the latency of roll requests (age rolls wake it
   * at their tick).
   */
  public long pollMs() {
    return Math.max(10, Math.min(100, segmentMaxAgeMs / 4));
  }

  /** Wait before retrying a partition whose commit failed (store or Kafka unavailable). */
  public long retryBackoffMs() {
    return 1000;
  }
}
