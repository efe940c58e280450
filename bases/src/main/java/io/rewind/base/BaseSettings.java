package io.rewind.base;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.lease.LeaseSettings;
import io.rewind.core.segment.KeyRing;
import io.rewind.core.segment.SegmentKey;
import java.util.Optional;

/**
 * How a base is copied. A base copy reads HFiles the region servers also read, so it runs with a
 * thread cap (a share of the cores) and an optional bandwidth cap, never at full speed by default.
 */
public final class BaseSettings {

  /** Copy threads; 0 means the share of cores below. */
  public static final String COPY_THREADS = "base.copy.threads";
  /** Share of this host's cores the copy may keep busy (threads = max(1, cores × share)). */
  public static final String COPY_CPU_SHARE = "base.copy.cpu.share";
  /** Upload bandwidth cap in bytes per second over all copy threads; 0 means none. */
  public static final String COPY_MAX_BYTES_PER_SEC = "base.copy.max.bytes.per.sec";
  /** Codec of stored HFiles: zstd (default) or none. HFiles of families compressed in HBase gain little. */
  public static final String CODEC = "base.codec";
  /** Keep the HBase snapshot after copying it (default: delete it, so HBase can clean its files). */
  public static final String KEEP_SNAPSHOT = "base.keep.snapshot";
  /** After this long a base copy's intent (pending.json) no longer protects its files from garbage collection. */
  public static final String INTENT_EXPIRY_MS = "base.intent.expiry.ms";

  private final int threads;
  private final long bytesPerSecond;
  private final String codec;
  private final boolean keepSnapshot;
  private final long marginMs;
  private final long intentExpiryMs;
  private final SegmentKey sealWith;
  private final LeaseSettings leases;

  private BaseSettings(int threads, long bytesPerSecond, String codec, boolean keepSnapshot, long marginMs, long intentExpiryMs,
      SegmentKey sealWith, LeaseSettings leases) {
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

  public static BaseSettings from(RewindConfig config) {
    int threads = Integer.parseInt(config.getOrDefault(COPY_THREADS, "0"));
    if (threads == 0) {
      double share = Double.parseDouble(config.getOrDefault(COPY_CPU_SHARE, "0.25"));
      if (share <= 0 || share > 1) {
        throw new IllegalArgumentException(COPY_CPU_SHARE + " must be in (0, 1], got " + share);
      }
      threads = Math.max(1, (int) Math.floor(Runtime.getRuntime().availableProcessors() * share));
    }
    return new BaseSettings(
        threads,
        Long.parseLong(config.getOrDefault(COPY_MAX_BYTES_PER_SEC, "0")),
        config.getOrDefault(CODEC, "zstd"),
        Boolean.parseBoolean(config.getOrDefault(KEEP_SNAPSHOT, "false")),
        config.marginMs(),
        Long.parseLong(config.getOrDefault(INTENT_EXPIRY_MS, String.valueOf(24L * 3600 * 1000))),
        KeyRing.fromConfig(config).writer().orElse(null),
        LeaseSettings.from(config));
  }

  public BaseSettings withThreads(int n) {
    return new BaseSettings(n, bytesPerSecond, codec, keepSnapshot, marginMs, intentExpiryMs, sealWith, leases);
  }

  public BaseSettings withBytesPerSecond(long n) {
    return new BaseSettings(threads, n, codec, keepSnapshot, marginMs, intentExpiryMs, sealWith, leases);
  }

  /** The key copied files are sealed with: the newest of the key ring (segment.encryption.*), if one is configured. */
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
