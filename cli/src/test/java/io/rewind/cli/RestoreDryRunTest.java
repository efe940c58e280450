package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.store.Json;
import io.rewind.client.time.TimeParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dry-run} prints the plan (segments, bytes, edits, tables, range, estimate) and writes
 * nothing.
 */
class RestoreDryRunTest {

  @TempDir Path dir;

  @Test
  void printsThePlanForPeopleAndWritesNothing() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 3, 10);
    Path out = dir.resolve("out");

    CliRun.Result r =
        CliRun.run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--dry-run",
            "--parallelism",
            "2",
            "--out",
            out.toString());

    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out)
        .contains("plan: 3 segments")
        .contains("up to 30 records")
        .contains(
            "edits to replay: 30 (at or before T; 0 segments straddling it read to count them)")
        .contains("tables: ns:orders")
        .contains(
            "edits cover "
                + TimeParser.format(CraftedStore.FIRST_WRITE)
                + " … "
                + TimeParser.format(store.checkpoint))
        .contains("estimated duration")
        .contains("--parallelism 2")
        .contains("dry run: nothing written");
    assertThat(out).as("the dump directory a real run would write").doesNotExist();
  }

  @Test
  void countsOnlyTheEditsOfTheTablesAskedFor() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 10);

    CliRun.Result r =
        CliRun.run(
            "restore",
            "--store",
            store.uri,
            "--latest",
            "--dry-run",
            "--json",
            "--tables",
            CraftedStore.TABLE);

    assertThat(r.exit).as(r.err).isZero();
    assertThat(Json.MAPPER.readTree(r.out).get("editsPlanned").asLong()).isEqualTo(20);
  }

  @Test
  void printsThePlanAsJson() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 10);
    long t = CraftedStore.FIRST_WRITE + 4;

    CliRun.Result r =
        CliRun.run(
            "restore", "--store", store.uri, "--to", Long.toString(t), "--dry-run", "--json");

    assertThat(r.exit).as(r.err).isZero();
    JsonNode plan = Json.MAPPER.readTree(r.out);
    assertThat(plan.get("dryRun").asBoolean()).isTrue();
    assertThat(plan.get("segments").asInt())
        .as("partition 1's edits all come after T")
        .isEqualTo(1);
    assertThat(plan.get("bytes").asLong()).isEqualTo(store.manifests.get(0).sizeBytes);
    assertThat(plan.get("recordsPlanned").asLong()).isEqualTo(10);
    assertThat(plan.get("editsPlanned").asLong())
        .as("partition 0's edits at or before T")
        .isEqualTo(5);
    assertThat(plan.get("segmentsReadToCount").asInt()).as("its segment straddles T").isEqualTo(1);
    assertThat(plan.get("tables").get(0).asText()).isEqualTo("ns:orders");
    assertThat(plan.get("coversFromIso").asText())
        .isEqualTo(TimeParser.format(CraftedStore.FIRST_WRITE));
    assertThat(plan.get("coversToIso").asText()).isEqualTo(TimeParser.format(t));
    assertThat(plan.get("estimatedDurationMs").asLong()).isPositive();
    assertThat(plan.get("editsApplied").asLong()).isZero();
  }
}
