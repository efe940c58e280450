package io.rewind.store.io;

import io.rewind.client.io.UploadThrottle;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Reads through a token bucket ({@link UploadThrottle}, shared by the reading threads), sleeping
 * off the debt after each read: {@code rewind verify} reads a whole store without saturating its
 * link.
 */
public final class ThrottledInputStream extends FilterInputStream {

  private final UploadThrottle throttle;

  public ThrottledInputStream(InputStream in, UploadThrottle throttle) {
    super(in);
    this.throttle = throttle;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      pace(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      pace(n);
    }
    return n;
  }

  private void pace(int bytes) throws IOException {
    long waitNanos = throttle.take(bytes, System.nanoTime());
    if (waitNanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(waitNanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while throttling a read");
      }
    }
  }
}
