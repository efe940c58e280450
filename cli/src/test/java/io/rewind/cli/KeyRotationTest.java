package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.Json;
import io.rewind.store.dump.CellDump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotation procedure of docs/operations.md on a real archive: segments sealed with k1, then
 * (the ring rotated to k1, k2) with k2. Restores keep reading both; verify with a ring without k1
 * names every object that still needs it; compaction reseals the history with the newest key; once
 * verify passes without k1, k1 is retired and restores still give the same cells.
 */
class KeyRotationTest {

  @TempDir Path dir;

  @Test
  void rotateKeepRestoringAndRetireTheOldKeyOnlyWhenVerifyShowsNothingNeedsIt() throws Exception {
    byte[] m1 = new byte[32];
    byte[] m2 = new byte[32];
    Arrays.fill(m1, (byte) 1);
    Arrays.fill(m2, (byte) 2);
    SegmentKey k1 = SegmentKey.of("k1", m1);
    SegmentKey k2 = SegmentKey.of("k2", m2);
    CraftedStore crafted =
        CraftedStore.chains(dir.resolve("store"), 2, 4, 30, s -> s < 2 ? k1 : k2);
    Path both = ring("both", "k1 " + b64(m1), "k2 " + b64(m2));
    Path newOnly = ring("new-only", "k2 " + b64(m2));

    Path before = dir.resolve("before");
    CliRun.succeed(
        "restore",
        "--store",
        crafted.uri,
        "--latest",
        "--out",
        before.toString(),
        "--verify",
        "--set",
        keyring(both));

    JsonNode withBoth =
        CliRun.json("verify", "--store", crafted.uri, "--json", "--set", keyring(both));
    assertThat(withBoth.get("ok").asBoolean()).isTrue();
    assertThat(withBoth.get("keys").get("k1").get("segments").asLong()).isEqualTo(4);
    assertThat(withBoth.get("keys").get("k2").get("segments").asLong()).isEqualTo(4);

    CliRun.Result tooEarly =
        CliRun.run("verify", "--store", crafted.uri, "--json", "--set", keyring(newOnly));
    assertThat(tooEarly.exit).as("k1 still seals history: it cannot be retired").isEqualTo(1);
    JsonNode needs = Json.MAPPER.readTree(tooEarly.out);
    List<String> kinds = new ArrayList<>();
    needs.get("problems").forEach(p -> kinds.add(p.get("kind").asText()));
    assertThat(kinds).hasSize(4).containsOnly("key-missing");
    assertThat(needs.get("keys").get("k1").get("configured").asBoolean()).isFalse();
    assertThat(needs.get("segmentsChecked").asLong())
        .as("still checked by their stored bytes")
        .isEqualTo(8);

    // Compaction reads every key of the ring and seals what it writes with the newest.
    for (int pass = 0; pass < 2; pass++) {
      CliRun.succeed(
          "compact",
          "--store",
          crafted.uri,
          "--once",
          "--set",
          keyring(both),
          "--set",
          "compaction.level.windows.ms=1000",
          "--set",
          "compaction.settle.ms=0",
          "--set",
          "compaction.grace.ms=0");
    }
    JsonNode retired =
        CliRun.json("verify", "--store", crafted.uri, "--json", "--set", keyring(newOnly));
    assertThat(retired.get("ok").asBoolean()).as(retired.toString()).isTrue();
    assertThat(retired.get("keys").has("k1")).isFalse();

    Path after = dir.resolve("after");
    CliRun.succeed(
        "restore",
        "--store",
        crafted.uri,
        "--latest",
        "--out",
        after.toString(),
        "--verify",
        "--set",
        keyring(newOnly));
    String dump = CellDump.fileName(CraftedStore.TABLE);
    assertThat(Files.readAllLines(after.resolve(dump)))
        .isEqualTo(Files.readAllLines(before.resolve(dump)));
  }

  private Path ring(String name, String... lines) throws Exception {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private static String keyring(Path file) {
    return KeyRing.KEYRING_FILE + "=" + file;
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
