package io.rewind.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * The Rewind source tree, where the embedded stack finds artifacts built beside it (the registry
 * server). Surefire passes it as the system property {@value #PROPERTY}; otherwise it is the
 * nearest directory above the working directory that holds {@code registry-server/}.
 */
public final class ProjectRoot {

  public static final String PROPERTY = "rewind.project.root";
  static final String MARKER = "registry-server";

  private ProjectRoot() {}

  public static Optional<Path> locate() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      Optional<Path> fromProperty = above(Paths.get(property));
      if (fromProperty.isPresent()) {
        return fromProperty;
      }
    }
    return above(Paths.get(System.getProperty("user.dir")));
  }

  /** The nearest directory at or above {@code start} that holds {@code registry-server/}. */
  static Optional<Path> above(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(MARKER))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }
}
