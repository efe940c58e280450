package io.rewind.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The work directory of one demo or bench run: the one asked for (kept), or a temporary one deleted
 * on close.
 */
public final class ScratchDir implements AutoCloseable {

  private final Path path;
  private final boolean temporary;

  private ScratchDir(Path path, boolean temporary) {
    this.path = path;
    this.temporary = temporary;
  }

  /**
   * @param requested the directory the user asked for with --work-dir, or null for a temporary one
   */
  static ScratchDir of(Path requested, String prefix) throws IOException {
    return requested == null
        ? new ScratchDir(Files.createTempDirectory(prefix), true)
        : new ScratchDir(Files.createDirectories(requested), false);
  }

  public Path path() {
    return path;
  }

  public boolean temporary() {
    return temporary;
  }

  @Override
  public void close() {
    if (temporary) {
      deleteRecursively(path);
    }
  }

  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a temporary directory left behind is not worth failing the run for.
    }
  }
}
