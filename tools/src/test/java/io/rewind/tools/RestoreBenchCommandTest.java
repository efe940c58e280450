package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun;
import io.rewind.client.store.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON contract of `rewind bench restore` on a small run (figures not asserted: never timed
 * tests).
 */
class RestoreBenchCommandTest {

  @Test
  void printsRatesOfTheBaselineAndBothRestorePaths() throws Exception {
    CliRun.Result r =
        CliRun.run("bench", "restore", "--json", "--edits", "3000", "--partitions", "2");

    assertThat(r.exit).as(r.err).isZero();
    JsonNode report = Json.MAPPER.readTree(r.out);
    for (String field :
        List.of(
            "raw_puts_per_sec",
            "restore_puts_per_sec",
            "restore_bulkload_per_sec",
            "ratio_puts",
            "ratio_bulkload")) {
      assertThat(report.get(field)).as(field).isNotNull();
      assertThat(report.get(field).asDouble()).as(field).isPositive();
    }
    assertThat(report.get("edits").asInt()).isEqualTo(3000);
  }
}
