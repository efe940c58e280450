package io.rewind.endpointit;

import io.rewind.stack.ProjectRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

/**
 * Where the tests find what they put together: the RegionServer jar as producers/ builds it, and
 * the classpath HBase 2.6.1 brings itself, resolved by hbase-runtime/ at build time.
 */
final class RegionServerJar {

  private RegionServerJar() {}

  static Path root() {
    return ProjectRoot.locate()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no Rewind source tree above " + System.getProperty("user.dir")));
  }

  /**
   * producers/target/rewind-producers-*-hbase-endpoint.jar, as `mvn -pl endpoint-it -am verify`
   * builds it.
   */
  static Path shadedJar() throws IOException {
    List<Path> found = new ArrayList<>();
    Path target = root().resolve("producers/target");
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> jars =
          Files.newDirectoryStream(target, "rewind-producers-*-hbase-endpoint.jar")) {
        jars.forEach(found::add);
      }
    }
    if (found.size() != 1) {
      throw new IllegalStateException(
          "expected one RegionServer jar in "
              + target
              + ", found "
              + found
              + ": build it with mvn -pl endpoint-it -am verify (or mvn -pl producers -am package)");
    }
    return found.get(0);
  }

  /**
   * The jars of HBase 2.6.1-hadoop3's own runtime dependency tree (hbase-testing-util's),
   * path-separated.
   */
  static String hbaseClasspath() throws IOException {
    Path file = root().resolve("endpoint-it/hbase-runtime/target/hbase-classpath.txt");
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          file + " is missing: build it with mvn -pl endpoint-it -am verify");
    }
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
  }

  /** hbase-runtime's own jar: the operator's driver, {@code OperatorHBase}. */
  static Path operatorJar() {
    Path jar =
        root().resolve("endpoint-it/hbase-runtime/target/rewind-hbase-runtime-0.1.0-SNAPSHOT.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it with mvn -pl endpoint-it -am verify");
    }
    return jar;
  }

  /**
   * Runs the JDK's jdeps with {@code args}; its output, or a failure naming the exit code and what
   * it printed.
   */
  static String jdeps(String... args) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    if (exit != 0) {
      throw new IllegalStateException(
          "jdeps " + String.join(" ", args) + " exited " + exit + ": " + err + out);
    }
    return out.toString();
  }
}
