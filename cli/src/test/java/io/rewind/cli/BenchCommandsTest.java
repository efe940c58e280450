package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The JSON contracts of the bench commands, on small runs (the figures themselves are not asserted: never timed tests). */
class BenchCommandsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void benchCheckpointPrintsPerSizeFiguresOfRulesAndReference() throws Exception {
    JsonNode report = run("bench", "checkpoint", "--json", "--sizes", "20,200", "--events", "4000", "--reference-events", "500");

    assertThat(report.get("all_agree").asBoolean()).as("rules and reference agree on every compared event").isTrue();
    List<Integer> sizes = new ArrayList<>();
    for (JsonNode size : report.get("sizes")) {
      sizes.add(size.get("queues").asInt());
      for (String field : List.of("update_us_p50", "update_us_p99", "reference_us_p99")) {
        assertThat(size.get(field).isNumber()).as(field).isTrue();
        assertThat(size.get(field).asDouble()).as(field).isPositive();
      }
      assertThat(size.get("reference_samples").asInt()).isEqualTo(500);
    }
    assertThat(sizes).containsExactly(20, 200);
  }

  @Test
  void benchRpoPrintsEditRateAndRpoPercentiles() throws Exception {
    JsonNode report = run("bench", "rpo", "--json", "--rate", "300", "--servers", "3", "--partitions", "2",
        "--warmup", "4s", "--duration", "3s", "--sample-interval", "200ms");

    assertThat(report.get("edits_per_second").asDouble()).isPositive();
    assertThat(report.get("samples").asInt()).isPositive();
    for (String field : List.of("rpo_ms_p50", "rpo_ms_p99", "rpo_ms_max")) {
      assertThat(report.get(field).asLong()).as(field).isPositive();
    }
    assertThat(report.get("rpo_ms_p50").asLong()).isLessThanOrEqualTo(report.get("rpo_ms_p99").asLong());
    assertThat(report.get("rpo_ms_p99").asLong()).isLessThanOrEqualTo(report.get("rpo_ms_max").asLong());
  }

  private static JsonNode run(String... args) throws Exception {
    CommandLine cl = Rewind.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    return MAPPER.readTree(out.toString());
  }
}
