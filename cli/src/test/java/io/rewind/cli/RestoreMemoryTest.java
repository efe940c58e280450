package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.ChildProcess;
import io.rewind.testkit.archive.SyntheticArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore's memory does not grow with the edits it replays: two million edits restored, verified,
 * by `rewind restore` in a JVM of 128 MiB of heap (holding them, as the replay did before it sorted
 * through files, takes several times that).
 */
class RestoreMemoryTest {

  private static final int EDITS = 2_000_000;

  @TempDir Path dir;

  @Test
  void twoMillionEditsRestoreAndVerifyIn128MiBOfHeap() throws Exception {
    Path storeDir = dir.resolve("store");
    try (ObjectStore store = ObjectStore.open(storeDir.toUri().toString(), Map.of())) {
      SyntheticArchive.write(store, new SerdeFactory(null), 2, EDITS, 8, 7, e -> {});
    }
    Path spill = Files.createDirectories(dir.resolve("spill"));
    Path out = dir.resolve("out.json");
    Path err = dir.resolve("err.log");
    Process restore =
        new ProcessBuilder(
                ChildProcess.javaCommand(
                    List.of(
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Rewind.class.getName(),
                        "restore",
                        "--store",
                        storeDir.toUri().toString(),
                        "--latest",
                        "--out",
                        dir.resolve("dump").toString(),
                        "--verify",
                        "--json",
                        "--spill-dir",
                        spill.toString(),
                        "--set",
                        "restore.sort.memory.bytes=" + (16 << 20))))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      assertThat(restore.waitFor(120, TimeUnit.SECONDS))
          .as("the restore ends; its log: %s", err)
          .isTrue();
    } finally {
      restore.destroyForcibly();
    }

    assertThat(restore.exitValue()).as("exit code; stderr: %s", Files.readString(err)).isZero();
    JsonNode report = Json.MAPPER.readTree(out.toFile());
    assertThat(report.get("editsApplied").asLong()).isEqualTo(EDITS);
    assertThat(report.get("sortRunsSpilled").asLong())
        .as("the edits did not fit: they were sorted through files")
        .isPositive();
    assertThat(report.get("verification").get("ok").asBoolean()).isTrue();
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left).as("the spill directory once the restore is done").isEmpty();
    }
  }
}
