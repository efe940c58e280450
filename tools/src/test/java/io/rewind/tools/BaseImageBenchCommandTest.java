package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun;
import io.rewind.client.store.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON contract of `rewind bench base` on a small run (throughput not asserted: never timed
 * tests).
 */
class BaseImageBenchCommandTest {

  @Test
  void printsStoredAgainstNaiveBytesAndTheCopyThroughput() throws Exception {
    CliRun.Result r =
        CliRun.run(
            "bench",
            "base",
            "--json",
            "--bases",
            "3",
            "--regions",
            "2",
            "--files-per-region",
            "2",
            "--rows-per-file",
            "300");

    assertThat(r.exit).as(r.err).isZero();
    JsonNode report = Json.MAPPER.readTree(r.out);
    for (String field :
        List.of(
            "naive_bytes",
            "stored_bytes",
            "dedup_ratio",
            "copy_mb_per_sec",
            "plain_copy_mb_per_sec")) {
      assertThat(report.get(field).asDouble()).as(field).isPositive();
    }
    assertThat(report.get("bases").asInt()).isEqualTo(3);
    // 2 regions × 2 files, then one new file per later base: only those are copied again.
    assertThat(report.get("hfiles_first_base").asInt()).isEqualTo(4);
    assertThat(report.get("hfiles_last_base").asInt()).isEqualTo(6);
    assertThat(report.get("hfiles_copied_after_first").asInt()).isEqualTo(2);
    assertThat(report.get("naive_bytes").asLong())
        .isGreaterThan(report.get("stored_bytes").asLong());
  }
}
