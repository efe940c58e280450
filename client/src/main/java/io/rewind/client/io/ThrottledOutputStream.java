package io.rewind.client.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** Writes through an {@link UploadThrottle} in chunks of at most 64 KiB, sleeping off the debt. */
public final class ThrottledOutputStream extends FilterOutputStream {

  private static final int CHUNK = 64 * 1024;
  private final UploadThrottle throttle;

  public ThrottledOutputStream(OutputStream out, UploadThrottle throttle) {
    super(out);
    this.throttle = throttle;
  }

  @Override
  public void write(int b) throws IOException {
    pace(1);
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int done = 0; done < len; ) {
      int n = Math.min(CHUNK, len - done);
      pace(n);
      out.write(b, off + done, n);
      done += n;
    }
  }

  private void pace(int bytes) throws IOException {
    long waitNanos = throttle.take(bytes, System.nanoTime());
    if (waitNanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(waitNanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while throttling an upload");
      }
    }
  }
}
