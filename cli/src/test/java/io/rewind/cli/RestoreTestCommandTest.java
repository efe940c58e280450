package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.client.store.Json;
import io.rewind.client.store.Manifest;
import io.rewind.monitoring.AlertRules;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.testkit.hbase.HBaseWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.client.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code rewind verify --restore-test} on the mini cluster: the HBase workload backed up through
 * Kafka; tests restore samples into an isolated namespace (dropped afterwards) and compare them
 * with the source ([0, T+1) scans of the implicit-timestamp table) or by counts and hash, and into
 * cell dumps; each outcome, with its restore time, is recorded in the store and shown by {@code
 * rewind status}, a failed one (a corrupted segment) as a critical alert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreTestCommandTest {

  private OraclePipeline pipeline;
  private HBaseWorkload workload;
  private String uri;
  private String zk;

  @BeforeAll
  void backUpAWorkload() throws Exception {
    pipeline = OraclePipeline.start(2, 1, "restore-test-archiver");
    uri = pipeline.stack.storeUri();
    zk = pipeline.hbase.zookeeperQuorum();
    workload = new HBaseWorkload(pipeline.hbase.connection(), "src", 20);
    workload.createTables();
    workload.run(3_000);
    long last = System.currentTimeMillis();
    workload.close();
    pipeline.awaitCheckpointAtOrAfter(last, Duration.ofSeconds(60));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                TableDescriptorFile.readAll(pipeline.store).size() >= workload.tableNames().size());
  }

  @AfterAll
  void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void aTableWithWriteTimeStampsIsComparedWithItsSourceAndTheNamespaceIsDropped() throws Exception {
    String events = workload.implicitTables().get(0);
    JsonNode r =
        CliRun.json(
            "verify",
            "--restore-test",
            "--store",
            uri,
            "--hbase-zk",
            zk,
            "--tables",
            events,
            "--seed",
            "1",
            "--json");

    assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get("restoreMs").asLong()).isPositive();
    assertThat(r.get("target").asText())
        .startsWith("HBase namespace " + RestoreTester.NAMESPACE_PREFIX);
    JsonNode result = r.get("results").get(events);
    assertThat(result.get("mode").asText()).isEqualTo(RestoreTester.SOURCE_ORACLE);
    assertThat(result.get("cells").asLong())
        .isPositive()
        .isEqualTo(result.get("expectedCells").asLong());
    assertThat(r.get("time").asLong()).isLessThanOrEqualTo(checkpoint());
    assertThat(testNamespaces()).as("the test's tables and namespace are dropped").isEmpty();
  }

  @Test
  @Order(2)
  void tablesWithExplicitTimestampsAreReadBackAndDumpsWorkWithoutHBase() throws Exception {
    List<String> explicit = new ArrayList<>(workload.tableNames());
    explicit.removeAll(workload.implicitTables());
    JsonNode r =
        CliRun.json(
            "verify",
            "--restore-test",
            "--store",
            uri,
            "--hbase-zk",
            zk,
            "--sample",
            "3",
            "--no-oracle-tables",
            String.join(",", explicit),
            "--seed",
            "2",
            "--json");
    assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.get("tables")).hasSize(3);
    for (String t : explicit) {
      assertThat(r.get("results").get(t).get("mode").asText())
          .isEqualTo(RestoreTester.COUNTS_AND_HASH);
      assertThat(r.get("results").get(t).get("sha256").asText()).hasSize(64);
    }

    JsonNode dumps =
        CliRun.json(
            "verify",
            "--restore-test",
            "--store",
            uri,
            "--tables",
            workload.implicitTables().get(0),
            "--json");
    assertThat(dumps.get("ok").asBoolean()).as(dumps.toString()).isTrue();
    assertThat(dumps.get("target").asText()).startsWith("cell dumps");

    JsonNode status =
        CliRun.json("status", "-b", pipeline.stack.bootstrapServers(), "--store", uri, "--json");
    assertThat(status.get("restoreTest").get("ok").asBoolean()).isTrue();
    assertThat(status.get("restoreTest").get("id").asText()).isEqualTo(dumps.get("id").asText());
    assertThat(status.get("alerts").toString()).doesNotContain(AlertRules.RESTORE_TEST_FAILED);
  }

  @Test
  @Order(3)
  void aFailedRestoreTestIsRecordedAndStatusRaisesACriticalAlert() throws Exception {
    List<Manifest> manifests = new ManifestStore(pipeline.store).list(0);
    Manifest victim = manifests.get(manifests.size() / 2);
    Path segment = pipeline.stack.storeDir().resolve(victim.segmentPath);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(segment, bytes);

    CliRun.Result failed =
        CliRun.run(
            "verify",
            "--restore-test",
            "--store",
            uri,
            "--hbase-zk",
            zk,
            "--sample",
            "3",
            "--no-oracle",
            "--to",
            String.valueOf(checkpoint()),
            "--json");
    assertThat(failed.exit).as(failed.err).isEqualTo(1);
    JsonNode r = Json.MAPPER.readTree(failed.out);
    assertThat(r.get("ok").asBoolean()).isFalse();
    assertThat(r.get("error").asText()).contains(victim.segmentPath);
    assertThat(testNamespaces()).isEmpty();

    JsonNode status =
        CliRun.json("status", "-b", pipeline.stack.bootstrapServers(), "--store", uri, "--json");
    assertThat(status.get("restoreTest").get("ok").asBoolean()).isFalse();
    assertThat(status.get("alerts").toString())
        .contains(AlertRules.RESTORE_TEST_FAILED, victim.segmentPath);
    assertThat(CliRun.succeed("status", "-b", pipeline.stack.bootstrapServers(), "--store", uri))
        .contains("LAST RESTORE TEST", "FAILED");
    JsonNode audit = CliRun.json("audit", "--store", uri, "--json");
    assertThat(audit.get("operations").toString()).contains("restore-test");
  }

  private long checkpoint() throws Exception {
    return CheckpointFile.read(pipeline.store).orElseThrow().time;
  }

  private List<String> testNamespaces() throws Exception {
    List<String> found = new ArrayList<>();
    try (Admin admin = pipeline.hbase.connection().getAdmin()) {
      for (NamespaceDescriptor ns : admin.listNamespaceDescriptors()) {
        if (ns.getName().startsWith(RestoreTester.NAMESPACE_PREFIX)) {
          found.add(ns.getName());
        }
      }
    }
    return found;
  }
}
