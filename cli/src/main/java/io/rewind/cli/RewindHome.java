package io.rewind.cli;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Per-user state: {@code $REWIND_HOME}, default {@code ~/.rewind}. The system property {@code
 * rewind.home} overrides both (tests point it at a temporary directory).
 */
final class RewindHome {

  static final String PROPERTY = "rewind.home";
  static final String ENV = "REWIND_HOME";

  private RewindHome() {}

  static Path dir() {
    String p = System.getProperty(PROPERTY);
    if (p == null || p.isBlank()) {
      p = System.getenv(ENV);
    }
    if (p == null || p.isBlank()) {
      return Paths.get(System.getProperty("user.home"), ".rewind");
    }
    return Paths.get(p);
  }
}
