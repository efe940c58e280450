package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun;
import io.rewind.client.store.Json;
import org.junit.jupiter.api.Test;

/**
 * The JSON contract of `rewind bench replay` on a small run (figures not asserted: never timed
 * tests).
 */
class ReplayBenchCommandTest {

  @Test
  void aBudgetTooSmallForTheEditsSpillsAndGivesTheDumpOfTheSortInMemory() throws Exception {
    CliRun.Result r =
        CliRun.run(
            "bench",
            "replay",
            "--json",
            "--edits",
            "30000",
            "--partitions",
            "2",
            "--sort-memory",
            "2097152");

    assertThat(r.exit).as(r.err).isZero();
    JsonNode report = Json.MAPPER.readTree(r.out);
    assertThat(report.get("edits").asInt()).isEqualTo(30000);
    assertThat(report.get("sort_runs_spilled").asLong()).isPositive();
    assertThat(report.get("sort_bytes_spilled").asLong()).isPositive();
    assertThat(report.get("spilling_edits_per_sec").asDouble()).isPositive();
    assertThat(report.get("in_memory_edits_per_sec").asDouble()).isPositive();
    assertThat(report.get("spilling_cpu_seconds").asDouble()).isPositive();
    assertThat(report.get("in_memory_cpu_seconds").asDouble()).isPositive();
    assertThat(report.get("ratio").asDouble()).isPositive();
    assertThat(report.get("cpu_ratio").asDouble()).isPositive();
    assertThat(report.get("dumps_identical").asBoolean()).isTrue();
  }
}
