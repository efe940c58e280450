package io.rewind.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server the stack runs as a separate process (the registry, S3Proxy): output to a log file under
 * the work dir, stopped on {@link #close()} and, should the JVM exit first, by a shutdown hook, so
 * no test run leaves a process behind.
 */
public final class ChildProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 40;

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Thread shutdownHook;
  private boolean closed;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.shutdownHook = new Thread(this::stop, "stop-" + name);
  }

  /**
   * Starts {@code command} in {@code workingDir}, stdout and stderr appended to {@code logFile}.
   *
   * @param name what the process is, for logs and error messages
   */
  public static ChildProcess start(String name, List<String> command, Path workingDir, Path logFile)
      throws IOException {
    Files.createDirectories(workingDir);
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    Process process =
        new ProcessBuilder(command)
            .directory(workingDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    ChildProcess child = new ChildProcess(name, process, logFile);
    Runtime.getRuntime().addShutdownHook(child.shutdownHook);
    LOG.info("started {} (pid {}), log {}", name, process.pid(), logFile);
    return child;
  }

  /** The {@code java} of the running JVM plus {@code arguments}: children run on the same JDK. */
  public static List<String> javaCommand(List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(arguments);
    return command;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the process to exit and returns its exit code.
   *
   * @throws StackStartException naming the process and the end of its log when it is still running
   *     after {@code timeout}
   */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new StackStartException(
          name
              + " still runs "
              + timeout.toSeconds()
              + " s later; its log ends with:\n"
              + logTail());
    }
    return process.exitValue();
  }

  /**
   * Polls {@code uri} with HTTP GET until it answers with a status {@code accepted} allows. Fails
   * as soon as the process exits, or at the timeout, with the end of its log in the message.
   */
  public void awaitHttp(URI uri, IntPredicate accepted, Duration timeout)
      throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + timeout.toNanos();
    int lastStatus = -1;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new StackStartException(
            name
                + " exited with code "
                + process.exitValue()
                + " before "
                + uri
                + " answered; its log "
                + logFile
                + " ends with:\n"
                + logTail());
      }
      try {
        lastStatus = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (accepted.test(lastStatus)) {
          return;
        }
      } catch (IOException notListeningYet) {
        // The server has not bound its port yet: poll again.
      }
      Thread.sleep(100);
    }
    throw new StackStartException(
        name
            + " did not answer "
            + uri
            + " within "
            + timeout.toSeconds()
            + " s (last status "
            + lastStatus
            + "); a slow machine may need more time; its log "
            + logFile
            + " ends with:\n"
            + logTail());
  }

  /**
   * Stops the process (SIGTERM, then SIGKILL after a grace period); calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting and the hook runs anyway.
    }
  }

  private void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "{} (pid {}) ignored SIGTERM for {} s: killing it",
            name,
            process.pid(),
            GRACE.toSeconds());
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.info("stopped {} (pid {})", name, process.pid());
  }

  /** The last lines of the log, for error messages. */
  public String logTail() {
    try {
      // Lenient decoding: a child may write any bytes, and this only feeds error messages.
      String text = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
      List<String> lines = text.lines().collect(Collectors.toList());
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(the log " + logFile + " cannot be read: " + e.getMessage() + ")";
    }
  }
}
