package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on real parts: KRaft broker, simulated fleet with a server death, archiver,
 * checkpoint app, restores verified against the simulator's independent expected state.
 */
class DemoEndToEndTest {

  @Test
  void demoBacksUpRestoresAndVerifiesEveryRestore() throws Exception {
    JsonNode report =
        demo(
            "--source",
            "simulator",
            "--servers",
            "6",
            "--duration",
            "12s",
            "--rate",
            "1500",
            "--restores",
            "4",
            "--partitions",
            "4",
            "--seed",
            "7");

    assertThat(report.get("verified").asBoolean()).isTrue();
    assertThat(report.get("source").asText()).isEqualTo("simulator");
    assertThat(report.get("editsWritten").asLong()).isGreaterThan(5_000);
    assertThat(report.get("restores")).hasSize(4);
    for (JsonNode restore : report.get("restores")) {
      assertThat(restore.get("verified").asBoolean()).as(restore.toString()).isTrue();
      assertThat(restore.get("time").asLong())
          .isBetween(report.get("earliest").asLong(), report.get("checkpoint").asLong());
      assertThat(restore.has("cells")).isTrue();
    }
    assertThat(report.get("restores").get(3).get("cells").asLong()).isPositive();
  }

  @Test
  void demoOnS3ArchivesThroughS3aToAnS3ApiServerAndRestoresFromIt() throws Exception {
    JsonNode report =
        demo(
            "--source",
            "simulator",
            "--s3",
            "--servers",
            "3",
            "--duration",
            "6s",
            "--rate",
            "800",
            "--restores",
            "2",
            "--partitions",
            "2",
            "--seed",
            "11");

    assertThat(report.get("storeUri").asText()).startsWith("s3a://");
    assertThat(report.get("store").asText()).isEqualTo("s3");
    assertThat(report.get("verified").asBoolean()).isTrue();
    assertThat(report.get("restores"))
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.get("verified").asBoolean()).as(r.toString()).isTrue());
    // S3A's counts: segments, manifests and checkpoints were PUT, restores read them, nothing was
    // copied.
    JsonNode requests = report.get("storeRequests");
    assertThat(requests.get("put").asLong()).isPositive();
    assertThat(requests.get("copy").asLong()).isZero();
    assertThat(report.get("restores"))
        .allSatisfy(
            r -> {
              assertThat(r.get("storeRequests").get("get").asLong())
                  .as("a restore reads its manifests and segments")
                  .isPositive();
              // A restore writes only its pin (written, narrowed to its plan, renewed while it
              // runs) and removes it at the end.
              assertThat(r.get("storeRequests").get("put").asLong())
                  .as("a restore writes only its pin")
                  .isBetween(1L, 5L);
              assertThat(r.get("storeRequests").get("delete").asLong())
                  .as("and deletes only its pin")
                  .isEqualTo(1);
            });
    assertThat(requests.get("get").asLong())
        .isGreaterThanOrEqualTo(
            report.get("restores").get(0).get("storeRequests").get("get").asLong()
                + report.get("restores").get(1).get("storeRequests").get("get").asLong());
  }

  /** {@code rewind demo <args> --json}: its report, once it exited 0. */
  private static JsonNode demo(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("demo"));
    command.addAll(List.of(args));
    command.add("--json");
    return CliRun.json(command.toArray(String[]::new));
  }
}
