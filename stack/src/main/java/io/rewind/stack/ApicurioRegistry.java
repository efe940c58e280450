package io.rewind.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apicurio Registry 2.x server (the project's registry-server/ build, in-memory storage) run as
 * a child JVM on 127.0.0.1. Its API URL is what {@code registry.url} takes.
 */
public final class ApicurioRegistry implements AutoCloseable {

  /** The registry API the serdes use; the Apicurio 3.x serdes speak it too. */
  public static final String API_PATH = "/apis/registry/v2";

  static final String RUNNER_JAR =
      "registry-server/target/rewind-registry-server-0.1.0-SNAPSHOT-runner.jar";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
  private static final int BIND_ATTEMPTS = 3;

  private final Path jar;
  private final Path workDir;
  // Replaced when a launch lost its port to another process; read by other threads (close).
  private volatile ChildProcess process;
  private volatile int port;

  private ApicurioRegistry(Path jar, Path workDir) {
    this.jar = jar;
    this.workDir = workDir;
  }

  /** Launches the server and waits until {@code /health/ready} answers 200. */
  public static ApicurioRegistry start(Path workDir) throws IOException, InterruptedException {
    ApicurioRegistry registry = launch(workDir);
    try {
      registry.awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /**
   * Launches the server without waiting, so the caller can start other parts meanwhile; call {@link
   * #awaitReady()} before use.
   */
  public static ApicurioRegistry launch(Path workDir) throws IOException {
    ApicurioRegistry registry = new ApicurioRegistry(runnerJar(), workDir);
    registry.launchOnFreePort();
    return registry;
  }

  private void launchOnFreePort() throws IOException {
    port = LoopbackPorts.free();
    List<String> command =
        ChildProcess.javaCommand(
            List.of(
                "-Xms64m",
                "-Xmx384m",
                "-XX:+UseSerialGC",
                // C1 only: the server starts noticeably faster and load in tests is light.
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-jar",
                jar.toString()));
    process =
        ChildProcess.start("apicurio-registry", command, workDir, workDir.resolve("registry.log"));
  }

  /** The runner jar under the project root, or a failure that says how to build it. */
  public static Path runnerJar() {
    Path root =
        ProjectRoot.locate()
            .orElseThrow(
                () ->
                    new StackStartException(
                        "cannot find the Rewind source tree (a directory holding registry-server/) from the"
                            + " working directory or the system property "
                            + ProjectRoot.PROPERTY
                            + ": run from the project or set -D"
                            + ProjectRoot.PROPERTY
                            + "=<path>"));
    Path jar = root.resolve(RUNNER_JAR);
    if (!Files.isRegularFile(jar)) {
      throw new StackStartException(
          "the Apicurio Registry server is not built ("
              + jar
              + " is missing): run `mvn -pl registry-server package`"
              + " in "
              + root);
    }
    return jar;
  }

  /**
   * Waits until {@code /health/ready} answers 200. Another process may take the free port before
   * the server binds it (tests run side by side): then the server is launched again on another.
   */
  public synchronized void awaitReady() throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        process.awaitHttp(
            URI.create(baseUrl() + "/health/ready"), status -> status == 200, READY_TIMEOUT);
        return;
      } catch (StackStartException e) {
        if (attempt >= BIND_ATTEMPTS || process.isAlive() || !lostItsPort(process.logTail())) {
          throw e;
        }
        LOG.warn(
            "port {} was taken before the registry bound it: launching it again on another", port);
        process.close();
        try {
          launchOnFreePort();
        } catch (IOException launchFailure) {
          throw new StackStartException(
              "cannot launch the Apicurio Registry again: " + launchFailure.getMessage(),
              launchFailure);
        }
      }
    }
  }

  /**
   * Quarkus says "Port N seems to be in use by another process"; a plain JVM bind failure says the
   * other.
   */
  static boolean lostItsPort(String log) {
    return log.contains("seems to be in use by another process")
        || log.contains("Address already in use");
  }

  /** The full API URL, {@code http://127.0.0.1:<port>/apis/registry/v2}. */
  public String apiUrl() {
    return baseUrl() + API_PATH;
  }

  public int port() {
    return port;
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  public Path logFile() {
    return process.logFile();
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.close();
  }
}
