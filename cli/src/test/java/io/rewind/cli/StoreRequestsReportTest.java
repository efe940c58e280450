package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.store.StoreLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that touch the store report the requests they made: {@code "storeRequests"} in their
 * JSON.
 */
class StoreRequestsReportTest {

  @TempDir Path dir;

  @Test
  void aDryRunRestoreReadsManifestsAndTheCheckpointAndWritesNothing() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 3, 10);

    JsonNode report =
        CliRun.json("restore", "--store", store.uri, "--latest", "--dry-run", "--json");

    JsonNode requests = report.get("storeRequests");
    assertThat(fieldNames(requests))
        .containsExactlyInAnyOrder("get", "put", "list", "head", "delete", "copy");
    assertThat(requests.get("get").asLong())
        .as("three manifests and the checkpoint at least")
        .isGreaterThanOrEqualTo(4);
    assertThat(requests.get("list").asLong())
        .as("the manifests of each partition")
        .isGreaterThanOrEqualTo(3);
    assertThat(requests.get("put").asLong()).as("a dry run writes nothing").isZero();
    assertThat(requests.get("delete").asLong()).isZero();
    assertThat(report.get("segments").asInt()).as("the report's own fields stay").isEqualTo(3);
  }

  @Test
  void gcCountsTheOrphanItDeletesAndNothingInADryRun() throws Exception {
    CraftedStore store = CraftedStore.write(dir.resolve("store"), 2, 10);
    Path orphan = dir.resolve("store").resolve(StoreLayout.segment(0, 0, 5));
    Files.write(orphan, new byte[] {1, 2, 3});

    JsonNode dryRun =
        CliRun.json("gc", "--store", store.uri, "--grace", "0s", "--dry-run", "--json")
            .get("storeRequests");
    JsonNode gc = CliRun.json("gc", "--store", store.uri, "--grace", "0s", "--json");

    assertThat(dryRun.get("delete").asLong()).isZero();
    assertThat(gc.get("removed")).hasSize(1);
    JsonNode requests = gc.get("storeRequests");
    assertThat(requests.get("delete").asLong()).as("the one orphan").isEqualTo(1);
    assertThat(requests.get("put").asLong())
        .as(
            "the audit trail's start and end records; the stream's lease taken, renewed before the delete, released")
        .isEqualTo(5);
    assertThat(requests.get("list").asLong())
        .as("segments and manifests of both partitions")
        .isGreaterThanOrEqualTo(4);
    assertThat(requests.get("get").asLong()).as("both manifests").isGreaterThanOrEqualTo(2);
    assertThat(orphan).doesNotExist();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
