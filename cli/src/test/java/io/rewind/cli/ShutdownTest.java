package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.client.config.RewindConfig;
import io.rewind.stack.ChildProcess;
import io.rewind.stack.EmbeddedStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM stops each long-running command, as a real process against a real broker, within a few
 * seconds, after it closed its work: the shutdown hook, registered when the command starts, waits
 * for the command to return, not for the main thread, which is then inside System.exit waiting for
 * the hook (that took 33 s); a stop is a latch, never only an interrupt some library swallows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShutdownTest {

  private static final Duration STOPS_WITHIN = Duration.ofSeconds(8);

  private EmbeddedStack stack;
  private final List<ChildProcess> children = new ArrayList<>();

  @BeforeAll
  void startStack() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(2).start();
  }

  @AfterAll
  void stop() {
    children.forEach(ChildProcess::close);
    if (stack != null) {
      stack.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"archive", "checkpoint", "compact"})
  void sigtermStopsTheCommandWithinSecondsAfterItClosedItsWork(String command, @TempDir Path dir)
      throws Exception {
    RewindConfig config = stack.config();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                testClassPath(),
                Rewind.class.getName(),
                command,
                "--store",
                config.storeUri()));
    String ready;
    String closed;
    switch (command) {
      case "archive" -> {
        args.addAll(List.of("--bootstrap-servers", config.bootstrapServers()));
        ready = " started: ";
        closed = " closed: ";
      }
      case "checkpoint" -> {
        args.addAll(
            List.of(
                "--bootstrap-servers",
                config.bootstrapServers(),
                "--set",
                RewindConfig.CHECKPOINT_STATE_DIR + "=" + dir.resolve("state")));
        ready = " started against ";
        closed = "checkpoint app rewind-checkpoint closed";
      }
      default -> {
        args.addAll(List.of("--set", "compaction.interval.ms=60000"));
        ready = "every 60000 ms until stopped";
        closed = "compactor stopped";
      }
    }
    ChildProcess child =
        ChildProcess.start(
            command, ChildProcess.javaCommand(args), dir, dir.resolve(command + ".log"));
    children.add(child);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              assertThat(child.isAlive())
                  .as(command + " exited early: " + child.logTail())
                  .isTrue();
              return Files.readString(child.logFile(), StandardCharsets.ISO_8859_1).contains(ready);
            });

    ProcessHandle process = ProcessHandle.of(child.pid()).orElseThrow();
    long signalled = System.nanoTime();
    process.destroy();
    boolean exited =
        process
                .onExit()
                .toCompletableFuture()
                .completeOnTimeout(null, STOPS_WITHIN.toSeconds(), TimeUnit.SECONDS)
                .get()
            != null;
    long tookMs = (System.nanoTime() - signalled) / 1_000_000;
    assertThat(exited)
        .as(
            command
                + " still running "
                + STOPS_WITHIN.toSeconds()
                + " s after SIGTERM; log:\n"
                + child.logTail())
        .isTrue();
    assertThat(Files.readString(child.logFile(), StandardCharsets.ISO_8859_1))
        .as("it closed its work before exiting (" + tookMs + " ms)")
        .contains(closed);
  }

  private static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }
}
