package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

  @TempDir Path dir;

  @Test
  void closeStopsTheProcessAndIsIdempotent() throws Exception {
    ChildProcess child =
        ChildProcess.start("sleeper", List.of("sleep", "60"), dir, dir.resolve("logs/sleeper.log"));
    ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
    assertThat(child.isAlive()).isTrue();

    child.close();

    assertThat(child.isAlive()).isFalse();
    assertThat(handle.isAlive()).isFalse();
    assertThat(dir.resolve("logs/sleeper.log")).exists();
    child.close();
  }

  @Test
  void waitingForAProcessThatExitedFailsAtOnceWithItsLog() throws Exception {
    try (ChildProcess child =
        ChildProcess.start(
            "failing server",
            List.of("sh", "-c", "echo port already taken; exit 3"),
            dir,
            dir.resolve("failing.log"))) {
      long started = System.nanoTime();
      assertThatThrownBy(
              () ->
                  child.awaitHttp(
                      URI.create("http://127.0.0.1:" + LoopbackPorts.free() + "/"),
                      s -> true,
                      Duration.ofSeconds(30)))
          .isInstanceOf(StackStartException.class)
          .hasMessageContaining("failing server exited with code 3")
          .hasMessageContaining("port already taken");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aJvmThatExitsWithoutClosingStillStopsItsChild() throws Exception {
    Process jvm =
        new ProcessBuilder(
                ChildProcess.javaCommand(
                    List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        LeavesChildRunning.class.getName(),
                        dir.toString())))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("jvm.log").toFile())
            .start();
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS))
        .as("helper JVM exits; log: %s", dir.resolve("jvm.log"))
        .isTrue();
    assertThat(jvm.exitValue()).isZero();

    long childPid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
    Optional<ProcessHandle> child = ProcessHandle.of(childPid);
    assertThat(child.map(ProcessHandle::isAlive).orElse(false))
        .as("child %d after its JVM exited", childPid)
        .isFalse();
  }

  @Test
  void childrenRunOnThisJdk() {
    List<String> command = ChildProcess.javaCommand(List.of("-version"));
    assertThat(command.get(0)).startsWith(System.getProperty("java.home")).endsWith("java");
    assertThat(command.subList(1, command.size())).containsExactly("-version");
  }
}
