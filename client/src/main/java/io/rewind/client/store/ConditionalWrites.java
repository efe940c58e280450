package io.rewind.client.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compare-and-swap of whole objects: what leases and the records they protect are written with. On
 * a local disk the compare and the write happen under a POSIX lock of a sidecar file ({@code
 * .<name>.lock} beside the object), so processes on one host (or on a file system whose locks span
 * hosts) never interleave; the object is written in place, never renamed. On S3 the store does it
 * ({@link ObjectStore#writeIfVersion}).
 */
public final class ConditionalWrites {

  /** File locks are per JVM: threads of one JVM queue on this first. */
  private static final ConcurrentHashMap<String, Object> JVM_LOCKS = new ConcurrentHashMap<>();

  private ConditionalWrites() {}

  /**
   * A holder keeps the lock for one read and one small write; one that keeps it this long was
   * stopped inside (SIGSTOP, a frozen VM), and waiting on longer would stop this process with it.
   */
  static final long LOCK_WAIT_MS = 30_000;

  /**
   * Waits for the lock on {@code lockFile}, which guards {@code guarded}. The wait gives up only
   * after {@link #LOCK_WAIT_MS} in which {@code guarded} did not change: while other processes take
   * turns and write it, this one is queued behind them, not behind a stopped holder.
   */
  private static FileLock lock(FileChannel channel, Path lockFile, Path guarded)
      throws IOException {
    long deadline = System.nanoTime() + LOCK_WAIT_MS * 1_000_000;
    Object seen = lastChange(guarded);
    while (true) {
      FileLock held = channel.tryLock();
      if (held != null) {
        return held;
      }
      Object now = lastChange(guarded);
      if (!Objects.equals(now, seen)) {
        seen = now;
        deadline = System.nanoTime() + LOCK_WAIT_MS * 1_000_000;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IOException(
            "the lock "
                + lockFile
                + " has been held by another process for "
                + LOCK_WAIT_MS
                + " ms: one stopped while"
                + " writing "
                + lockFile
                    .getFileName()
                    .toString()
                    .replaceFirst("^\\.", "")
                    .replaceFirst("\\.lock$", "")
                + " (SIGSTOP, a frozen VM) holds up every operation on this store; resume or kill it (lsof "
                + lockFile
                + " names it),"
                + " then run this again");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the lock " + lockFile);
      }
    }
  }

  private static Object lastChange(Path file) throws IOException {
    try {
      return Files.getLastModifiedTime(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** A local object's version: the SHA-256 of its bytes. */
  static String localVersion(byte[] bytes) {
    return ManifestCodec.Sha256.hex(bytes);
  }

  static boolean writeLocal(Path file, byte[] bytes, String expectedVersion) throws IOException {
    Files.createDirectories(file.getParent());
    Path lockFile = file.resolveSibling("." + file.getFileName() + ".lock");
    Object jvmLock =
        JVM_LOCKS.computeIfAbsent(
            lockFile.toAbsolutePath().normalize().toString(), k -> new Object());
    synchronized (jvmLock) {
      try (FileChannel lockChannel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = lock(lockChannel, lockFile, file)) {
        byte[] current;
        try {
          current = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          current = new byte[0];
        }
        // An empty file is a create that died before its first byte: as good as absent.
        String currentVersion = current.length == 0 ? null : localVersion(current);
        if (!Objects.equals(currentVersion, expectedVersion)) {
          return false;
        }
        try (FileChannel out =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          long position = 0;
          while (buffer.hasRemaining()) {
            position += out.write(buffer, position);
          }
          // In place, then cut: a crash in between leaves the new record followed by the old one's
          // tail,
          // which JSON readers stop before (the record is whole and checksummed).
          out.truncate(bytes.length);
          out.force(true);
        }
        return true;
      }
    }
  }

  /**
   * Checks that the store refuses a conditional write it must refuse: an S3-compatible server that
   * ignores If-None-Match would let two operations take the same lease. Writes and deletes one
   * small object under {@code dir}.
   *
   * @throws IllegalStateException naming the store and the setting that runs without the guarantee
   */
  public static void probe(ObjectStore store, String dir, String escapeSetting) throws IOException {
    String key = dir + "/.probe-" + UUID.randomUUID();
    byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
    boolean first = store.writeIfVersion(key, bytes, null);
    boolean second = store.writeIfVersion(key, bytes, null);
    store.delete(key);
    if (!first || second) {
      throw new IllegalStateException(
          "the store "
              + store.uri()
              + " does not honour conditional writes (a create-if-absent of "
              + key
              + (first ? " succeeded twice" : " failed on a new key")
              + "): leases need S3's If-None-Match and If-Match"
              + " (AWS S3, MinIO, S3Proxy 4.1) or a local file system; upgrade the store, or set "
              + escapeSetting
              + "=false to run without atomic leases (then run one operation per table at a time yourself)");
    }
  }
}
