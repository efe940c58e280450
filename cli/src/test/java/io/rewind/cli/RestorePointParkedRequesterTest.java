package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.archiver.Archiver;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.ObjectStore;
import io.rewind.producer.EditPublisher;
import io.rewind.producer.PointRequests;
import io.rewind.schemas.ControlEvent;
import io.rewind.schemas.RollRequest;
import io.rewind.stack.ChildProcess;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.dump.CellDump;
import io.rewind.testkit.sim.ExpectedDumps;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flipkart lesson as a test: a restore-point requester ({@code rewind restore-point create} in
 * a child JVM) is parked with SIGSTOP right after it announced its point. Replication, archiving
 * and the checkpoint go on unharmed meanwhile, the simulated fleet answers on its own, and the
 * checkpoint passes the point while its requester is still stopped; resumed, the requester commits
 * the point, which restores exactly what the fleet had written at its time. One stack for the
 * class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestorePointParkedRequesterTest {

  private static final Duration PARKED = Duration.ofSeconds(6);

  private EmbeddedStack stack;
  private RewindConfig config;
  private CheckpointApp checkpoint;
  private Archiver archiver;
  private EditPublisher publisher;
  private FleetSimulator fleet;
  private PointRequests points;
  private ObjectStore store;
  private final List<ChildProcess> children = new ArrayList<>();

  @BeforeAll
  void startPipeline() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(3).start();
    config = stack.config();
    checkpoint = new CheckpointApp(config);
    checkpoint.start();
    archiver = new Archiver(config, "parked-test-archiver");
    archiver.start();
    publisher = new EditPublisher(config, "parked-test-fleet");
    fleet =
        new FleetSimulator(
            SimulatorSettings.defaults()
                .servers(4)
                .editsPerSecond(300)
                .duration(Duration.ofSeconds(120))
                .deaths(0)
                .seed(18),
            publisher,
            Clock.systemUTC());
    points =
        new PointRequests(
            config, "parked-test-fleet-points", r -> fleet.answerPoint(r.getPointTime()));
    fleet.start();
    store = ObjectStore.open(config);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                CheckpointFile.read(store)
                    .map(c -> System.currentTimeMillis() - c.time < 3_000)
                    .orElse(false));
  }

  @AfterAll
  void stopPipeline() {
    children.forEach(ChildProcess::close);
    for (AutoCloseable c :
        new AutoCloseable[] {points, fleet, publisher, archiver, checkpoint, store, stack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  void aRequesterParkedMidPointLeavesShippingArchivingAndTheCheckpointUnharmedAndCommitsOnceResumed(
      @TempDir Path dir) throws Exception {
    AtomicReference<RollRequest> announced = new AtomicReference<>();
    try (ControlWatcher control = new ControlWatcher(config, announced)) {
      ChildProcess requester =
          ChildProcess.start(
              "restore-point-requester",
              ChildProcess.javaCommand(
                  List.of(
                      "-Xmx256m",
                      "-XX:+UseSerialGC",
                      "-XX:TieredStopAtLevel=1",
                      "-cp",
                      testClassPath(),
                      Rewind.class.getName(),
                      "restore-point",
                      "create",
                      "--name",
                      "parked",
                      "-b",
                      stack.bootstrapServers(),
                      "--store",
                      stack.storeUri(),
                      "--timeout",
                      "120s",
                      "--json")),
              dir,
              dir.resolve("requester.log"));
      children.add(requester);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                if (!requester.isAlive()) {
                  throw new AssertionError(
                      "the requester exited before it announced its point:\n"
                          + requester.logTail());
                }
                return announced.get() != null;
              });
      signal("STOP", requester.pid());
      long t = announced.get().getPointTime();
      long parkedAt = System.currentTimeMillis();
      long edits = fleet.editsPublished();
      long segments = archiver.metrics().segmentsCommitted();

      // Parked: the fleet answers on its own and the checkpoint passes T, then keeps following the
      // fleet.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> CheckpointFile.read(store).map(c -> c.time >= t).orElse(false));
      long passedAfterMs = System.currentTimeMillis() - t;
      Thread.sleep(Math.max(0, PARKED.toMillis() - (System.currentTimeMillis() - parkedAt)));
      long c = CheckpointFile.read(store).orElseThrow().time;
      long rpo = System.currentTimeMillis() - c;
      assertThat(ProcessHandle.of(requester.pid()).orElseThrow().isAlive()).isTrue();
      assertThat(c)
          .as("the checkpoint kept moving past T while the requester was parked")
          .isGreaterThan(t + PARKED.toMillis() / 2);
      assertThat(rpo).as("RPO at the end of the pause").isLessThan(5_000);
      assertThat(fleet.editsPublished()).as("the fleet kept shipping").isGreaterThan(edits + 1_000);
      assertThat(archiver.metrics().segmentsCommitted())
          .as("the archiver kept archiving")
          .isGreaterThan(segments + 5);
      assertThat(passedAfterMs)
          .as("the checkpoint passed T this long after it, with the requester stopped")
          .isLessThan(5_000);

      signal("CONT", requester.pid());
      int exit = requester.awaitExit(Duration.ofSeconds(60));
      assertThat(exit).as(Files.readString(requester.logFile())).isZero();
    }

    JsonNode list = CliRun.json("restore-point", "list", "--store", stack.storeUri(), "--json");
    assertThat(list.get("points"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.get("name").asText()).isEqualTo("parked");
              assertThat(p.get("time").asLong()).isEqualTo(announced.get().getPointTime());
              assertThat(p.get("checkpointAtCompletion").asLong())
                  .isGreaterThanOrEqualTo(p.get("time").asLong());
              // What the requester saw of the answers: parked, it may have seen none before the
              // checkpoint passed T.
              assertThat(p.get("queuesAnswered").asInt())
                  .isLessThanOrEqualTo(p.get("queues").asInt());
            });
    assertThat(list.get("storeRequests")).isNotNull();

    long t = announced.get().getPointTime();
    Path out = dir.resolve("restored");
    JsonNode restored =
        CliRun.json(
            "restore",
            "--store",
            stack.storeUri(),
            "--to-point",
            "parked",
            "--out",
            out.toString(),
            "--json");
    assertThat(restored.get("time").asLong()).isEqualTo(t);
    assertThat(restored.get("timeInterpretation").asText()).startsWith("restore point parked");
    for (String table : fleet.expected().tables()) {
      assertThat(
              ExpectedDumps.compare(
                  out.resolve(CellDump.fileName(table)), table, fleet.expected().cellsAt(table, t)))
          .as("the restore to the point against the fleet's state at T")
          .isNull();
    }
    // Beside the archive the store now holds leases/, pins/, restore-points/ and the audit trail:
    // verify finds it sound.
    JsonNode verified = CliRun.json("verify", "--store", stack.storeUri(), "--json");
    assertThat(verified.get("ok").asBoolean()).as("%s", verified.get("problems")).isTrue();
  }

  @Test
  void statusReportsTheSourcesWalBacklogPerQueue() throws Exception {
    JsonNode s =
        CliRun.json(
            "status", "--json", "-b", stack.bootstrapServers(), "--store", stack.storeUri());
    JsonNode backlog = s.get("walBacklog");
    assertThat(backlog.get("queues")).hasSize(4);
    backlog
        .get("queues")
        .forEach(
            q -> {
              assertThat(q.get("queue").asText()).contains("/");
              assertThat(q.get("wals").asInt()).isPositive();
              assertThat(q.get("walsWaiting").asInt()).isGreaterThanOrEqualTo(0);
              assertThat(q.get("oldestWalAgeMs").asLong()).isGreaterThanOrEqualTo(0);
            });
    assertThat(backlog.get("snapshotAgeMs").asLong()).isLessThan(60_000);
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
  }

  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /** Follows the control topic from its end and keeps the first restore-point announcement. */
  private static final class ControlWatcher implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;

    ControlWatcher(RewindConfig config, AtomicReference<RollRequest> announced) {
      KafkaClients clients = new KafkaClients(config);
      TopicPartition control = new TopicPartition(clients.topics().control(), 0);
      Deserializer<ControlEvent> reader = clients.serdes().deserializer(ControlEvent.class);
      consumer = clients.consumer("parked-test-control", null);
      consumer.assign(List.of(control));
      consumer.seekToEnd(List.of(control));
      consumer.position(control);
      thread =
          new Thread(
              () -> {
                try {
                  while (announced.get() == null) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                      ControlEvent e = reader.deserialize(r.topic(), r.headers(), r.value());
                      if (e.getBody() instanceof RollRequest req && req.getPointName() != null) {
                        announced.compareAndSet(null, req);
                      }
                    }
                  }
                } catch (WakeupException stopped) {
                  // closing
                }
              },
              "parked-test-control");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      consumer.wakeup();
      thread.join(5_000);
      consumer.close();
    }
  }
}
