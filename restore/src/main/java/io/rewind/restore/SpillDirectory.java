package io.rewind.restore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of scratch files that lives as long as one restore: created under a parent the
 * operator chose, removed with everything in it by {@link #close()} (the restore closes it whether
 * it succeeded or failed), and by a JVM shutdown hook should the process exit first.
 */
final class SpillDirectory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SpillDirectory.class);

  private final Path path;
  private final Thread hook;
  private final AtomicLong files = new AtomicLong();

  private SpillDirectory(Path path) {
    this.path = path;
    this.hook = new Thread(this::delete, "rewind-remove-" + path.getFileName());
  }

  /**
   * A new directory {@code <prefix><random>} under {@code parent}, which is created if missing.
   *
   * @param setting how the operator chooses the parent, named when it cannot be written
   * @throws RestoreRefusedException when the directory cannot be created there
   */
  static SpillDirectory create(Path parent, String prefix, String setting) {
    Path path;
    try {
      path = Files.createTempDirectory(Files.createDirectories(parent), prefix);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw new RestoreRefusedException(
          "cannot create a scratch directory in "
              + parent
              + " ("
              + e
              + "): a restore writes its sorted runs there. Choose a writable local directory with "
              + setting);
    }
    SpillDirectory dir = new SpillDirectory(path);
    Runtime.getRuntime().addShutdownHook(dir.hook);
    return dir;
  }

  Path path() {
    return path;
  }

  /** A new file name in the directory (the file is not created). */
  Path newFile(String prefix) {
    return path.resolve(prefix + files.incrementAndGet());
  }

  /** Removes the directory and everything in it. */
  @Override
  public void close() {
    delete();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      // the JVM is already exiting: the hook is running or has run
    }
  }

  private void delete() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn(
          "could not remove the scratch directory {} ({}): delete it by hand", path, e.toString());
    }
  }
}
