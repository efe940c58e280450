package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.cli.CliRun;
import io.rewind.client.segment.KeyRing;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewind demo --secure}: the HBase endpoint (inside the mini cluster), the archiver, the
 * checkpoint app, the status page and the restores each run as their own Kafka user over SASL_SSL
 * with only their ACLs; every segment and base file is encrypted. Every restore verifies, the store
 * kept with --work-dir passes {@code rewind verify}, and holds no unencrypted segment or base file.
 */
class SecureDemoTest {

  @TempDir Path dir;

  @Test
  void aSecureDemoVerifiesEveryRestoreAndItsStorePassesVerify() throws Exception {
    Path work = dir.resolve("work");
    JsonNode report =
        CliRun.json(
            "demo",
            "--secure",
            "--work-dir",
            work.toString(),
            "--duration",
            "8s",
            "--restores",
            "2",
            "--partitions",
            "2",
            "--seed",
            "3",
            "--json");

    assertThat(report.get("verified").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.get("source").asText()).isEqualTo("hbase");
    assertThat(report.get("restores"))
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.get("verified").asBoolean()).isTrue());
    assertThat(report.get("storeVerify").get("ok").asBoolean()).isTrue();
    assertThat(report.get("storeVerify").get("baseFilesChecked").asLong()).isPositive();
    JsonNode security = report.get("security");
    assertThat(security.get("protocol").asText()).isEqualTo("SASL_SSL");
    assertThat(security.get("principals").get("archiver").asText()).isEqualTo("User:archiver");
    String storeUri = report.get("storeUri").asText();
    String keyRing = security.get("keyRingFile").asText();
    assertThat(Path.of(keyRing)).startsWith(work);

    JsonNode verify =
        CliRun.json(
            "verify", "--store", storeUri, "--set", KeyRing.KEYRING_FILE + "=" + keyRing, "--json");
    assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    assertThat(verify.get("keys").get(DemoRoles.KEY_ID).get("segments").asLong())
        .isEqualTo(verify.get("segmentsChecked").asLong());
    assertThat(report.get("bulkLoads").asInt()).as("the demo's workload bulk-loads").isPositive();
    assertThat(report.get("truncates").asInt()).as("the demo's workload truncates").isPositive();
    assertThat(verify.get("bulkLoadFilesChecked").asLong()).isPositive();
    assertThat(verify.get("keys").get(DemoRoles.KEY_ID).get("baseFiles").asLong())
        .as("base files and captured bulk-loaded files, all sealed")
        .isEqualTo(
            verify.get("baseFilesChecked").asLong() + verify.get("bulkLoadFilesChecked").asLong());
    JsonNode withoutKeys = CliRun.json("verify", "--store", storeUri, "--json");
    assertThat(withoutKeys.get("ok").asBoolean())
        .as("stored bytes checked without the keys")
        .isTrue();

    Path store = Path.of(URI.create(storeUri));
    for (String dirName : List.of("segments", "bases/files")) {
      try (Stream<Path> files = Files.walk(store.resolve(dirName))) {
        List<Path> objects = files.filter(Files::isRegularFile).toList();
        assertThat(objects)
            .isNotEmpty()
            .allSatisfy(
                f ->
                    assertThat(new String(Files.readAllBytes(f), 0, 4, "US-ASCII"))
                        .as(f.toString())
                        .isIn("RWE1", "RWE2"));
      }
    }
  }
}
