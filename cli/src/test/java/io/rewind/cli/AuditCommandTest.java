package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.store.audit.AuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that changes or restores from the store appends its start and end to the audit
 * trail (one object each, never rewritten); {@code rewind audit} lists them, {@code --since} only
 * the days from then on; a dry run leaves no record.
 */
class AuditCommandTest {

  @TempDir Path dir;

  @Test
  void restoresVerifiesAndGcAreAuditedWithWhoWhatAndOutcome() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 20);
    CliRun.succeed(
        "restore",
        "--store",
        store.uri,
        "--latest",
        "--out",
        dir.resolve("out").toString(),
        "--tables",
        CraftedStore.TABLE);
    CliRun.succeed("restore", "--store", store.uri, "--latest", "--dry-run");
    CliRun.Result refused =
        CliRun.run(
            "restore",
            "--store",
            store.uri,
            "--to",
            String.valueOf(store.checkpoint + 60_000),
            "--out",
            dir.resolve("late").toString());
    assertThat(refused.exit).isEqualTo(2);
    CliRun.succeed("verify", "--store", store.uri);
    CliRun.succeed("gc", "--store", store.uri, "--grace", "0s");
    CliRun.succeed("gc", "--store", store.uri, "--dry-run");

    JsonNode trail = CliRun.json("audit", "--store", store.uri, "--json");
    List<String> seen = new ArrayList<>();
    trail
        .get("operations")
        .forEach(o -> seen.add(o.get("command").asText() + ":" + o.get("outcome").asText()));
    assertThat(seen).containsExactly("restore:ok", "restore:refused", "verify:ok", "gc:ok");
    JsonNode restore = trail.get("operations").get(0);
    assertThat(restore.get("user").asText()).isEqualTo(System.getProperty("user.name"));
    assertThat(restore.get("host").asText()).isNotBlank();
    assertThat(restore.get("tables")).hasSize(1);
    assertThat(restore.get("tables").get(0).asText()).isEqualTo(CraftedStore.TABLE);
    assertThat(restore.get("what").asText()).contains("restore to").contains("cell dumps");
    assertThat(restore.get("details").get("editsApplied").asLong()).isEqualTo(40);
    assertThat(restore.get("endedAt").asLong())
        .isGreaterThanOrEqualTo(restore.get("startedAt").asLong());
    assertThat(trail.get("operations").get(1).get("error").asText())
        .contains("outside the restorable range");
    try (Stream<Path> records = Files.walk(dir.resolve("store").resolve(AuditLog.ROOT))) {
      assertThat(records.filter(Files::isRegularFile).count())
          .as("a start and an end object per operation")
          .isEqualTo(8);
    }

    JsonNode none =
        CliRun.json("audit", "--store", store.uri, "--since", "2100-01-01T00:00:00Z", "--json");
    assertThat(none.get("operations")).isEmpty();
    assertThat(none.get("storeRequests").get("get").asLong()).as("no day read").isZero();
    assertThat(CliRun.succeed("audit", "--store", store.uri))
        .contains("restore", "refused", "outside the restorable range");
  }
}
