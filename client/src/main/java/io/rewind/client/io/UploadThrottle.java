package io.rewind.client.io;

/**
 * A token bucket over the bytes an archiver or a base copy uploads, shared by its worker threads,
 * so backup traffic on a shared host stays under a cap. Bytes may be taken on credit: a caller that
 * takes more than the bucket holds waits until the debt is repaid at the configured rate. Pure: the
 * caller passes the time and does the waiting.
 */
public final class UploadThrottle {

  /** Tokens the bucket holds at most: a quarter second of traffic, at least one 64 KiB chunk. */
  private final long capacity;

  private final long bytesPerSecond;
  private double tokens;
  private long lastNanos;
  private boolean started;

  /**
   * @param bytesPerSecond the cap; 0 or less means unlimited
   */
  public UploadThrottle(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    this.capacity = Math.max(64 * 1024, bytesPerSecond / 4);
  }

  public boolean isLimited() {
    return bytesPerSecond > 0;
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Takes {@code bytes} from the bucket; returns how long to wait before sending them, in ns. */
  public synchronized long take(long bytes, long nowNanos) {
    if (!isLimited()) {
      return 0;
    }
    if (!started) {
      started = true;
      tokens = capacity;
      lastNanos = nowNanos;
    }
    tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * (double) bytesPerSecond / 1e9);
    lastNanos = nowNanos;
    tokens -= bytes;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
  }
}
