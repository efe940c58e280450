package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.testkit.hbase.HBaseWorkload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.client.Admin;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore points on a real HBase cluster (two region servers, the endpoint as peer) with a dead
 * server that died holding unshipped edits (the peer was disabled meanwhile), whose queue a
 * survivor claims only 8 to 16 s after the death: a point requested meanwhile times out naming that
 * queue; the next one completes once the queue is claimed and shipped, and restores exactly what
 * HBase's snapshot at the pause before the death holds (nothing was written after it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestorePointDeadServerTest {

  private static final Logger LOG = LoggerFactory.getLogger(RestorePointDeadServerTest.class);
  private static final long SEED = 20261206L;

  private OraclePipeline pipeline;
  private EmbeddedStack stack;
  private HBaseMiniCluster hbase;
  private HBaseWorkload workload;
  private HBaseWorkload.Pause pause;
  private ServerName victim;

  @BeforeAll
  void backUpAWorkload() throws Exception {
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    // The survivor claims a dead server's queues 8 to 16 s after the death (HBase sleeps between
    // one and two times this first).
    pipeline =
        OraclePipeline.start(
            2, 2, "point-archiver", Map.of("replication.sleep.before.failover", "8000"));
    stack = pipeline.stack;
    hbase = pipeline.hbase;
    workload = new HBaseWorkload(hbase.connection(), "pt", SEED);
    workload.createTables();
    workload.run(400);
  }

  @AfterAll
  void stop() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void aPointTimesOutNamingTheDeadServersQueueThenCompletesOnceItIsRecoveredAndRestoresExactly()
      throws Exception {
    // Shipping paused, the last writes stay in both servers' WALs: the dead server's queue then
    // holds edits only a survivor can ship.
    try (Admin admin = hbase.connection().getAdmin()) {
      admin.disableReplicationPeer(HBaseMiniCluster.PEER_ID);
      workload.run(200);
      pause = workload.pause(0, "point");
      workload.close();
      ServerName meta = hbase.serverHoldingMeta();
      victim =
          hbase.liveRegionServers().stream().filter(s -> !s.equals(meta)).findFirst().orElseThrow();
      hbase.killRegionServer(victim);
      admin.enableReplicationPeer(HBaseMiniCluster.PEER_ID);
    }
    long killedAt = System.currentTimeMillis();

    CliRun.Result early =
        CliRun.run(
            "restore-point",
            "create",
            "--name",
            "during-death",
            "-b",
            stack.bootstrapServers(),
            "--store",
            stack.storeUri(),
            "--timeout",
            "2s");
    LOG.info("a point right after the kill: {}", early.err);
    assertThat(early.exit).as(early.out + early.err).isEqualTo(Errors.FAILED);
    assertThat(early.err)
        .contains("restore point during-death")
        .contains("was not created")
        .contains("held back by queue ");
    // The dead server's queue is named: as the one holding the checkpoint, or (while a survivor's
    // claim is not effective yet)
    // among the queues that have not claimed past the point.
    assertThat(early.err).contains(victim.getServerName());

    JsonNode created =
        CliRun.json(
            "restore-point",
            "create",
            "--name",
            "after-recovery",
            "-b",
            stack.bootstrapServers(),
            "--store",
            stack.storeUri(),
            "--timeout",
            "120s",
            "--json");
    JsonNode point = created.get("point");
    LOG.info(
        "the point after the kill completed {} ms after it: {}",
        System.currentTimeMillis() - killedAt,
        created);
    assertThat(point.get("time").asLong()).isGreaterThan(killedAt);
    assertThat(point.get("checkpointAtCompletion").asLong())
        .isGreaterThanOrEqualTo(point.get("time").asLong());
    // Completed because the dead server's queue was claimed, shipped and removed: no queue of it is
    // left.
    JsonNode status =
        CliRun.json(
            "status", "--json", "-b", stack.bootstrapServers(), "--store", stack.storeUri());
    List<String> queues = new ArrayList<>();
    status.get("walBacklog").get("queues").forEach(q -> queues.add(q.get("queue").asText()));
    assertThat(queues).isNotEmpty().noneMatch(q -> q.startsWith(victim.getServerName()));
    JsonNode list = CliRun.json("restore-point", "list", "--store", stack.storeUri(), "--json");
    assertThat(list.get("points"))
        .extracting(p -> p.get("name").asText())
        .containsExactly("after-recovery");

    // Nothing was written after the pause: the point's state is the pause's snapshots.
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore",
                "--store",
                stack.storeUri(),
                "--to-point",
                "after-recovery",
                "--hbase-zk",
                hbase.zookeeperQuorum(),
                "--hbase-conf",
                "hbase.client.pause=20",
                "--parallelism",
                "2",
                "--map",
                workload.tableNames().stream()
                    .map(s -> s + "=rp:" + OracleRestores.qualifier(s))
                    .collect(Collectors.joining(","))));
    CliRun.Result restored = CliRun.run(args.toArray(new String[0]));
    assertThat(restored.exit).as(restored.err).isZero();
    OracleRestores.Comparison c =
        OracleRestores.compare(hbase.connection(), pause, workload.tableNames(), "rp");
    assertThat(c.mismatches()).isEmpty();
    assertThat(c.cellsCompared()).isPositive();
  }
}
