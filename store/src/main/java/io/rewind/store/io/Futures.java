package io.rewind.store.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for parallel I/O tasks with their own exceptions, not ExecutionException wrappers. */
public final class Futures {

  private Futures() {}

  /**
   * The results in order; the first task that failed rethrows its IOException or RuntimeException
   * as it was thrown.
   */
  public static <T> List<T> awaitAll(List<Future<T>> futures) throws IOException {
    List<T> results = new ArrayList<>(futures.size());
    try {
      for (Future<T> f : futures) {
        results.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for parallel work");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    }
    return results;
  }
}
