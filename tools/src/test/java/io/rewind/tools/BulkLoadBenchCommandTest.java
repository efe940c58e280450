package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun;
import io.rewind.client.store.Json;
import org.junit.jupiter.api.Test;

/**
 * The JSON contract of `rewind bench bulkload` on a small run (figures not asserted: never timed
 * tests).
 */
class BulkLoadBenchCommandTest {

  @Test
  void aCapturedBulkLoadRestoresTheSameDumpAsTheSameCellsReplayedAsEdits() throws Exception {
    CliRun.Result r =
        CliRun.run("bench", "bulkload", "--json", "--cells", "20000", "--partitions", "3");

    assertThat(r.exit).as(r.err).isZero();
    JsonNode report = Json.MAPPER.readTree(r.out);
    assertThat(report.get("cells").asInt()).isEqualTo(20000);
    assertThat(report.get("bulkload_files").asLong()).isEqualTo(4);
    assertThat(report.get("bulkload_stored_bytes").asLong()).isPositive();
    assertThat(report.get("stream_cells_per_sec").asDouble()).isPositive();
    assertThat(report.get("bulkload_cells_per_sec").asDouble()).isPositive();
    assertThat(report.get("ratio").asDouble()).isPositive();
    assertThat(report.get("dumps_identical").asBoolean()).isTrue();
  }
}
