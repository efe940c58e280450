package io.rewind.base;

import io.rewind.client.base.FileCopier;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * How a base is copied. A base copy reads HFiles the region servers also read, so it runs with a
 * thread cap (a share of the cores) and an optional bandwidth cap, never at full speed by default.
 */
public final class BaseImageSettings {

  /** Copy threads; 0 means the share of cores below. */
  public static final String COPY_THREADS = "base.copy.threads";

  /** Share of this host's cores the copy may keep busy (threads = max(1, cores × share)). */
  public static final String COPY_CPU_SHARE = "base.copy.cpu.share";

  /** Upload bandwidth cap in bytes per second over all copy threads; 0 means none. */
  public static final String COPY_MAX_BYTES_PER_SEC = "base.copy.max.bytes.per.sec";

  /**
   * Codec of stored HFiles: zstd (default) or none, defined with the copier in {@link
   * FileCopier#CONFIG}.
   */
  public static final String CODEC = FileCopier.CODEC;

  /**
   * Keep the HBase snapshot after copying it (default: delete it, so HBase can clean its files).
   */
  public static final String KEEP_SNAPSHOT = "base.keep.snapshot";

  /**
   * After this long a base copy's intent (pending.json) no longer protects its files from garbage
   * collection.
   */
  public static final String INTENT_EXPIRY_MS = "base.intent.expiry.ms";

  /**
   * The base.* settings besides base.codec ({@link FileCopier#CONFIG}, which the endpoint reads
   * too).
   */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              COPY_THREADS,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Copy threads; 0: max(1, cores × " + COPY_CPU_SHARE + ").")
          .define(
              COPY_CPU_SHARE,
              Type.DOUBLE,
              0.25,
              new ShareOfCores(),
              Importance.MEDIUM,
              "Share of this host's cores the copy may keep busy when "
                  + COPY_THREADS
                  + " is 0: a base copy reads HFiles"
                  + " the region servers also read.")
          .define(
              COPY_MAX_BYTES_PER_SEC,
              Type.LONG,
              0L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Upload bandwidth cap in bytes per second over all copy threads; 0: none.")
          .define(
              KEEP_SNAPSHOT,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Keep the HBase snapshot after copying it (default: delete it, so HBase can clean its files).")
          .define(
              INTENT_EXPIRY_MS,
              Type.LONG,
              24L * 3600 * 1000,
              Range.atLeast(0),
              Importance.LOW,
              "After this long a base copy's intent (pending.json) no longer protects its files from garbage collection.");

  /** A share of the cores in (0, 1]. */
  private static final class ShareOfCores implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      double share = (Double) value;
      if (!(share > 0 && share <= 1)) {
        throw new ConfigException(name, value, "must be in (0, 1]");
      }
    }

    @Override
    public String toString() {
      return "(0, 1]";
    }
  }

  private final int threads;
  private final long bytesPerSecond;
  private final String codec;
  private final boolean keepSnapshot;
  private final long marginMs;
  private final long intentExpiryMs;
  private final SegmentKey sealWith;
  private final LeaseSettings leases;

  private BaseImageSettings(
      int threads,
      long bytesPerSecond,
      String codec,
      boolean keepSnapshot,
      long marginMs,
      long intentExpiryMs,
      SegmentKey sealWith,
      LeaseSettings leases) {
    if (!codec.equals("zstd") && !codec.equals("none")) {
      throw new IllegalArgumentException(CODEC + " must be zstd or none, got '" + codec + "'");
    }
    if (threads < 1) {
      throw new IllegalArgumentException(COPY_THREADS + " must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.bytesPerSecond = bytesPerSecond;
    this.codec = codec;
    this.keepSnapshot = keepSnapshot;
    this.marginMs = marginMs;
    this.intentExpiryMs = intentExpiryMs;
    this.sealWith = sealWith;
    this.leases = leases;
  }

  public static BaseImageSettings from(RewindConfig config) {
    AbstractConfig c = config.parse(CONFIG);
    int threads = c.getInt(COPY_THREADS);
    if (threads == 0) {
      threads =
          Math.max(
              1,
              (int)
                  Math.floor(
                      Runtime.getRuntime().availableProcessors() * c.getDouble(COPY_CPU_SHARE)));
    }
    return new BaseImageSettings(
        threads,
        c.getLong(COPY_MAX_BYTES_PER_SEC),
        config.parse(FileCopier.CONFIG).getString(CODEC),
        c.getBoolean(KEEP_SNAPSHOT),
        config.marginMs(),
        c.getLong(INTENT_EXPIRY_MS),
        KeyRing.fromConfig(config).writer().orElse(null),
        LeaseSettings.from(config));
  }

  public BaseImageSettings withThreads(int n) {
    return new BaseImageSettings(
        n, bytesPerSecond, codec, keepSnapshot, marginMs, intentExpiryMs, sealWith, leases);
  }

  public BaseImageSettings withBytesPerSecond(long n) {
    return new BaseImageSettings(
        threads, n, codec, keepSnapshot, marginMs, intentExpiryMs, sealWith, leases);
  }

  /**
   * The key copied files are sealed with: the newest of the key ring (segment.encryption.*), if one
   * is configured.
   */
  public Optional<SegmentKey> sealWith() {
    return Optional.ofNullable(sealWith);
  }

  public int threads() {
    return threads;
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  public String codec() {
    return codec;
  }

  public boolean keepSnapshot() {
    return keepSnapshot;
  }

  public long marginMs() {
    return marginMs;
  }

  public long intentExpiryMs() {
    return intentExpiryMs;
  }

  /** lease.*: a base holds its table's lease while it copies and commits. */
  public LeaseSettings leaseSettings() {
    return leases;
  }
}
