package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.archiver.Archiver;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.dump.DumpCell;
import io.rewind.testkit.hbase.HBaseWorkload;
import io.rewind.testkit.hbase.SnapshotOracle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disaster recovery from the object store alone: a workload (at least 150 writes, every delete
 * type) is backed up and snapshotted at T, then Kafka and the source HBase cluster are stopped for
 * good, and `rewind restore --to T` into a second, fresh HBase mini cluster (tables created from
 * the descriptors in the store) must read exactly like the snapshot, cell for cell, all versions;
 * --verify must agree. A second restore with {@code --mode bulkload} into other tables must read
 * exactly like the put path.
 */
class DisasterRecoveryTest {

  private static final long SEED = 20261122L;

  @TempDir Path dir;

  @AfterEach
  void resetAwaitility() {
    // The setting is global: later classes in this JVM must fail on background exceptions again.
    Awaitility.reset();
  }

  @Test
  void restoresIntoAFreshClusterWithKafkaAndTheSourceGone() throws Exception {
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    Map<String, List<DumpCell>> expected = new LinkedHashMap<>();
    long t;
    List<String> tables;
    try (EmbeddedStack stack =
        EmbeddedStack.builder().editsPartitions(2).withHBase(true).hbaseRegionServers(1).start()) {
      HBaseMiniCluster source = stack.hbase().orElseThrow();
      String storeUri = stack.storeUri();
      try (CheckpointApp checkpoint = new CheckpointApp(stack.config());
          Archiver archiver = new Archiver(stack.config(), "dr-archiver");
          ObjectStore store = ObjectStore.open(stack.config())) {
        checkpoint.start();
        archiver.start();
        HBaseWorkload workload = new HBaseWorkload(source.connection(), "src", SEED);
        workload.createTables();
        while (workload.operations() < 150) {
          workload.run(200);
        }
        HBaseWorkload.Pause pause = workload.pause(0, "dr");
        workload.run(200);
        workload.close();
        t = pause.time();
        tables = workload.tableNames();
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> CheckpointFile.read(store).map(c -> c.time >= pause.time()).orElse(false));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> TableDescriptorFile.readAll(store).size() >= tables.size());

        Connection conn = source.connection();
        Map<String, TableName> scratch = new LinkedHashMap<>();
        for (String table : tables) {
          scratch.put(pause.snapshots().get(table), TableName.valueOf("scratch", qualifier(table)));
        }
        SnapshotOracle.cloneSnapshots(conn, scratch);
        for (String table : tables) {
          expected.put(
              table, SnapshotOracle.cells(conn, scratch.get(pause.snapshots().get(table))));
        }
      }
      // The disaster: the source cluster and Kafka are gone; only the store remains. HBase first:
      // its replication endpoint would block its shutdown publishing into a dead broker.
      source.close();
      stack.stopBroker();

      try (HBaseMiniCluster fresh =
          HBaseMiniCluster.start(dir.resolve("fresh-hbase"), 1, stack.config(), false, Map.of())) {
        CliRun.Result r =
            CliRun.run(
                "restore",
                "--store",
                storeUri,
                "--to",
                Long.toString(t),
                "--hbase-zk",
                fresh.zookeeperQuorum(),
                "--parallelism",
                "2",
                "--verify",
                "--json");

        assertThat(r.exit).as(r.err).isZero();
        JsonNode report = Json.MAPPER.readTree(r.out);
        assertThat(report.get("verification").get("ok").asBoolean()).as(r.out).isTrue();
        long cells = 0;
        for (String table : tables) {
          List<DumpCell> restored =
              SnapshotOracle.cells(
                  fresh.connection(), TableName.valueOf("restored", qualifier(table)));
          assertThat(SnapshotOracle.firstDifference(expected.get(table), restored))
              .as(table)
              .isNull();
          assertThat(report.get("verification").get("tables").get(table).get("found").asLong())
              .isEqualTo(restored.size());
          cells += restored.size();
        }
        assertThat(cells).as("the workload wrote something to compare").isGreaterThan(100);

        // The bulk-load path into other tables of the same fresh cluster reads exactly like the put
        // path.
        String map =
            tables.stream().map(s -> s + "=bulk:" + qualifier(s)).collect(Collectors.joining(","));
        CliRun.Result bulk =
            CliRun.run(
                "restore",
                "--store",
                storeUri,
                "--to",
                Long.toString(t),
                "--hbase-zk",
                fresh.zookeeperQuorum(),
                "--mode",
                "bulkload",
                "--map",
                map,
                "--verify",
                "--json");

        for (String table : tables) {
          List<DumpCell> viaPuts =
              SnapshotOracle.cells(
                  fresh.connection(), TableName.valueOf("restored", qualifier(table)));
          List<DumpCell> viaBulkLoad =
              SnapshotOracle.cells(fresh.connection(), TableName.valueOf("bulk", qualifier(table)));
          assertThat(SnapshotOracle.firstDifference(viaPuts, viaBulkLoad))
              .as("bulk load vs puts, " + table + ": " + bulk.out + bulk.err)
              .isNull();
        }
        assertThat(bulk.exit).as(bulk.err + bulk.out).isZero();
        assertThat(Json.MAPPER.readTree(bulk.out).get("verification").get("ok").asBoolean())
            .as(bulk.out)
            .isTrue();
      }
    }
  }

  private static String qualifier(String table) {
    return table.substring(table.indexOf(':') + 1);
  }
}
