package io.rewind.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.ChildProcess;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.LoopbackPorts;
import io.rewind.store.catalog.CheckpointFile;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint app in a child JVM on a real broker, killed with SIGKILL while progress and
 * archive events flow, restarted, killed again and restarted again. Its store is in memory, so each
 * successor rebuilds its state from the changelog alone (the test checks that no local state was
 * ever written): the checkpoint resumes and never goes backwards, on the checkpoints topic and in
 * the store file. Its HTTP endpoint is checked over real HTTP.
 */
class CheckpointAppCrashTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Pattern RESTORED =
      Pattern.compile(
          "checkpoint state restored: (\\d+) entries, (\\d+) queues, checkpoint (\\d+)");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static EmbeddedStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack =
        EmbeddedStack.builder()
            .editsPartitions(2)
            // A killed member and its open transaction must not hold the successor up for long.
            .brokerConfig("group.min.session.timeout.ms", "1000")
            .brokerConfig("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500")
            .start();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void checkpointResumesFromTheChangelogWithoutGoingBackwardsAfterEachKillNine() throws Exception {
    int httpPort = LoopbackPorts.free();
    RewindConfig config = stack.config();
    Path stateDir = Path.of(config.get(RewindConfig.CHECKPOINT_STATE_DIR));
    Path settings = writeSettings(config, httpPort);
    Topics topics = new Topics(config.topicPrefix());
    List<Long> onTopic = new CopyOnWriteArrayList<>();
    List<Long> inFile = new CopyOnWriteArrayList<>();

    try (ProgressFeeder feeder = new ProgressFeeder(config);
        Observer topicObserver =
            Observer.start("checkpoints-topic", () -> readGlobals(config, topics, onTopic));
        ObjectStore store = ObjectStore.open(config);
        Observer fileObserver = Observer.start("checkpoint-file", () -> readFile(store, inFile))) {
      feeder.start();

      ChildProcess first = startApp(settings, "first");
      try {
        awaitOrExplain(
            first,
            "three checkpoints on the topic",
            () -> onTopic.stream().distinct().count() >= 3);
        checkHttp(httpPort);
        kill(first);
      } finally {
        first.close();
      }
      long beforeFirstKill = max(onTopic);

      ChildProcess second = startApp(settings, "second");
      try {
        assertRestoredAtLeast(second, beforeFirstKill);
        awaitOrExplain(
            second,
            "two higher checkpoints on the topic",
            () -> countAbove(onTopic, beforeFirstKill) >= 2);
        awaitOrExplain(
            second, "a higher checkpoint in the file", () -> max(inFile) > beforeFirstKill);
        kill(second);
      } finally {
        second.close();
      }
      long beforeSecondKill = max(onTopic);

      // Nothing local to resume from: the successor has only the changelog.
      try (Stream<Path> files = Files.exists(stateDir) ? Files.walk(stateDir) : Stream.empty()) {
        assertThat(
                files
                    .filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().equals(".lock"))
                    .toList())
            .as(
                "local state under %s (the store is in memory: a successor must rebuild from the changelog)",
                stateDir)
            .isEmpty();
      }
      ChildProcess third = startApp(settings, "third");
      try {
        assertRestoredAtLeast(third, beforeSecondKill);
        awaitOrExplain(
            third,
            "two higher checkpoints on the topic",
            () -> countAbove(onTopic, beforeSecondKill) >= 2);
        awaitOrExplain(
            third, "a higher checkpoint in the file", () -> max(inFile) > beforeSecondKill);
      } finally {
        third.close();
      }
    }

    assertThat(onTopic)
        .as("checkpoints published on the topic")
        .hasSizeGreaterThanOrEqualTo(7)
        .isSorted();
    assertThat(inFile).as("checkpoints read from the store file").hasSizeGreaterThan(3).isSorted();
  }

  private static Path writeSettings(RewindConfig config, int httpPort) throws Exception {
    Properties p = new Properties();
    p.putAll(config.asMap());
    p.put(RewindConfig.CHECKPOINT_APPLICATION_ID, "checkpoint-crash");
    p.put(RewindConfig.CHECKPOINT_POLL_MS, "100");
    p.put(CheckpointApp.HTTP_PORT, String.valueOf(httpPort));
    p.put("streams.consumer.session.timeout.ms", "2000");
    p.put("streams.consumer.heartbeat.interval.ms", "500");
    p.put("streams.producer.transaction.timeout.ms", "3000");
    Path file = stack.workDir().resolve("checkpoint-crash.properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "the checkpoint app of CheckpointAppCrashTest");
    }
    return file;
  }

  private static ChildProcess startApp(Path settings, String name) throws Exception {
    List<String> command =
        ChildProcess.javaCommand(
            List.of(
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                CheckpointAppProcess.class.getName(),
                settings.toString()));
    return ChildProcess.start(
        "checkpoint-app-" + name,
        command,
        stack.workDir(),
        stack.workDir().resolve("checkpoint-app-" + name + ".log"));
  }

  private static void kill(ChildProcess child) throws Exception {
    ProcessHandle handle = ProcessHandle.of(child.pid()).orElseThrow();
    assertThat(handle.destroyForcibly()).as("SIGKILL sent to pid %d", child.pid()).isTrue();
    handle.onExit().get();
  }

  /** The restarted app logs the checkpoint its restored state gives; the changelog had it all. */
  private static void assertRestoredAtLeast(ChildProcess child, long lastPublished) {
    Matcher m = RESTORED.matcher("");
    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              assertThat(child.isAlive())
                  .as("the app is running; its log ends with:%n%s", child.logTail())
                  .isTrue();
              return m.reset(Files.readString(child.logFile())).find();
            });
    assertThat(Long.parseLong(m.group(1))).as("state entries restored").isPositive();
    assertThat(Long.parseLong(m.group(2))).as("queues restored").isEqualTo(2);
    assertThat(Long.parseLong(m.group(3)))
        .as("restored checkpoint")
        .isGreaterThanOrEqualTo(lastPublished);
  }

  private static void awaitOrExplain(ChildProcess app, String what, Callable<Boolean> condition) {
    try {
      await().atMost(PATIENCE).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no "
              + what
              + " within "
              + PATIENCE.toSeconds()
              + " s; the app's log ends with:\n"
              + app.logTail(),
          e);
    }
  }

  private static long countAbove(List<Long> values, long floor) {
    return values.stream().filter(v -> v > floor).distinct().count();
  }

  private static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
  }

  private static void checkHttp(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    JsonNode checkpoint = MAPPER.readTree(get(http, port, "/checkpoint", 200));
    assertThat(checkpoint.get("time").asLong()).isPositive();
    assertThat(checkpoint.get("age_ms").asLong()).isBetween(0L, 60_000L);
    assertThat(checkpoint.get("computed_at").asLong())
        .isGreaterThanOrEqualTo(checkpoint.get("time").asLong());
    assertThat(checkpoint.get("rule").asText()).isNotEmpty();
    assertThat(checkpoint.has("held_by")).isTrue();

    JsonNode queues = MAPPER.readTree(get(http, port, "/queues", 200));
    assertThat(queues.get("count").asInt()).isEqualTo(2);
    List<String> names = new ArrayList<>();
    for (JsonNode q : queues.get("queues")) {
      names.add(q.get("queue").asText());
      assertThat(q.get("contribution").asLong()).isPositive();
      assertThat(q.get("rule").asText()).isEqualTo(CheckpointRules.RULE_EFFECTIVE_CLAIM);
      assertThat(q.get("last_marker_age_ms").asLong()).isBetween(0L, 60_000L);
    }
    assertThat(names).containsExactly(ProgressFeeder.RS1.toString(), ProgressFeeder.RS2.toString());

    String metrics = get(http, port, "/metrics", 200);
    assertThat(metrics)
        .contains("rewind_checkpoint_time_seconds ")
        .contains("rewind_checkpoint_rpo_seconds ")
        .contains("rewind_checkpoint_decreases_total 0.0")
        .contains("rewind_checkpoint_queues 2.0")
        .containsPattern("rewind_checkpoint_events_total\\{type=\"marker\"} [1-9]");
    get(http, port, "/nothing-here", 404);
  }

  private static String get(HttpClient http, int port, String path, int expectedStatus)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(expectedStatus);
    return r.body();
  }

  /** Reads the committed global checkpoints in topic order, until interrupted. */
  private static void readGlobals(RewindConfig config, Topics topics, List<Long> into) {
    SerdeFactory serdes = new SerdeFactory(null);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaClients(config).consumer("checkpoint-crash-observer", null)) {
      consumer.assign(List.of(new TopicPartition(topics.checkpoints(), 0)));
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if ("global".equals(new String(r.key())) && r.value() != null) {
            into.add(
                serdes
                    .deserializer(Checkpoint.class)
                    .deserialize(topics.checkpoints(), r.value())
                    .getTime());
          }
        }
      }
    } catch (InterruptException stopped) {
      // The test is over.
    }
  }

  /** Reads the store file every 20 ms, noting each new value, until interrupted. */
  private static void readFile(ObjectStore store, List<Long> into) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        CheckpointFile.read(store)
            .ifPresent(
                c -> {
                  if (into.isEmpty() || into.get(into.size() - 1) != c.time) {
                    into.add(c.time);
                  }
                });
        Thread.sleep(20);
      }
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the checkpoint file: " + e.getMessage(), e);
    }
  }

  /** A background reader, stopped (interrupted and joined) on close. */
  private record Observer(Thread thread) implements AutoCloseable {
    static Observer start(String name, Runnable body) {
      Thread t = new Thread(body, name);
      t.setDaemon(true);
      t.start();
      return new Observer(t);
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
    }
  }
}
