package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rewind.archiver.Archiver;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.Json;
import io.rewind.monitoring.MonitorSettings;
import io.rewind.monitoring.StatusReport;
import io.rewind.producer.EditPublisher;
import io.rewind.stack.EmbeddedStack;
import io.rewind.testkit.sim.FleetSimulator;
import io.rewind.testkit.sim.SimulatorSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * {@code rewind status} and the status page against a running pipeline on real parts: the embedded
 * stack, a short simulator run, an archiver, and the checkpoint app serving the page as the demo
 * runs it; the page is loaded in headless Chromium. One stack for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusEndToEndTest {

  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

  private Path home;
  private EmbeddedStack stack;
  private RewindConfig config;
  private CheckpointWithStatusPage checkpoint;
  private Archiver archiver;
  private EditPublisher publisher;
  private FleetSimulator fleet;
  private Path connectionFile;
  private String previousHome;

  @BeforeAll
  void startPipeline() throws Exception {
    home = Files.createTempDirectory("rewind-status-test-");
    previousHome = System.setProperty(RewindHome.PROPERTY, home.toString());
    stack = EmbeddedStack.builder().editsPartitions(3).start();
    config = stack.config().with(MonitorSettings.SAMPLE_INTERVAL_MS, "500");
    checkpoint = new CheckpointWithStatusPage(config);
    checkpoint.start();
    archiver = new Archiver(config, "status-test-archiver");
    archiver.start();
    publisher = new EditPublisher(config, "status-test-fleet");
    fleet =
        new FleetSimulator(
            SimulatorSettings.defaults()
                .servers(4)
                .editsPerSecond(400)
                .duration(Duration.ofSeconds(3))
                .deaths(0)
                .seed(5),
            publisher,
            Clock.systemUTC());
    fleet.start();
    connectionFile = DemoConnectionFile.write(config, checkpoint.statusUrl().orElseThrow());
    // Live data: a checkpoint near now, archived tables, the queue table, and a few chart points.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                checkpoint
                        .sampler()
                        .latest()
                        .filter(
                            r ->
                                r.checkpoint() != null
                                    && r.checkpoint().rpoMs() < 5_000
                                    && !r.queues().isEmpty()
                                    && !r.tables().isEmpty()
                                    && r.groups().stream()
                                        .allMatch(
                                            g -> g.memberCount() > 0 && !g.partitions().isEmpty()))
                        .isPresent()
                    && checkpoint.sampler().history().points().size() >= 3);
  }

  @AfterAll
  void stopPipeline() {
    if (connectionFile != null) {
      DemoConnectionFile.deleteIfOurs(connectionFile);
    }
    for (AutoCloseable c : new AutoCloseable[] {fleet, publisher, archiver, checkpoint, stack}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (previousHome == null) {
      System.clearProperty(RewindHome.PROPERTY);
    } else {
      System.setProperty(RewindHome.PROPERTY, previousHome);
    }
    if (home != null) {
      ScratchDir.deleteRecursively(home);
    }
  }

  @Test
  void statusJsonBesideARunningDemoReportsEveryItem() throws Exception {
    CommandLine cl = Rewind.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    // No connection options: the running demo's settings file is used.
    int exit = cl.execute("status", "--json");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode s = Json.MAPPER.readTree(out.toString());
    assertThat(s.get("bootstrapServers").asText()).isEqualTo(stack.bootstrapServers());
    assertThat(s.get("generatedAt").asLong()).isPositive();

    JsonNode topics = s.get("topics");
    assertThat(topics).hasSize(7);
    JsonNode edits = find(topics, "name", "rewind.edits");
    assertThat(edits.get("partitionCount").asInt()).isEqualTo(3);
    assertThat(edits.get("records").asLong()).isPositive();
    assertThat(edits.get("sizeBytes").asLong()).isPositive();
    assertThat(edits.get("retentionMs").asLong())
        .isEqualTo(config.getLong(RewindConfig.EDITS_RETENTION_MS));
    assertThat(edits.get("partitions"))
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.has("endOffset")).isTrue());

    JsonNode groups = s.get("groups");
    assertThat(groups).hasSize(2);
    for (JsonNode g : groups) {
      assertThat(g.get("members")).isNotEmpty();
      assertThat(g.get("partitions"))
          .isNotEmpty()
          .allSatisfy(
              p ->
                  assertThat(p.has("lagRecords") && p.has("lagSeconds") && p.has("committedOffset"))
                      .isTrue());
    }
    assertThat(find(groups, "role", "archivers").get("groupId").asText())
        .isEqualTo(config.get(RewindConfig.ARCHIVER_GROUP));
    assertThat(find(groups, "role", "checkpoint").get("groupId").asText())
        .isEqualTo(config.get(RewindConfig.CHECKPOINT_APPLICATION_ID));

    JsonNode c = s.get("checkpoint");
    assertThat(c.get("time").asLong()).isGreaterThan(fleet.startTime());
    assertThat(c.get("rpoMs").asLong()).isBetween(0L, 30_000L);
    assertThat(c.get("rule").asText()).isNotBlank();

    assertThat(s.get("queues"))
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(
            q -> {
              assertThat(q.get("rule").asText()).isNotBlank();
              assertThat(q.has("contribution") && q.has("lastMarkerAgeMs")).isTrue();
            });
    assertThat(s.get("alerts").isArray()).isTrue();
    assertThat(s.get("tables"))
        .isNotEmpty()
        .allSatisfy(
            t -> {
              assertThat(t.get("earliestRestorable").asLong())
                  .isGreaterThanOrEqualTo(fleet.startTime() - 1_000);
              assertThat(t.get("basis").asText()).contains("first archived edit");
            });
    assertThat(s.get("clockSkew")).isNotEmpty();
    assertThat(find(s.get("clockSkew"), "publisher", "status-test-fleet").get("samples").asInt())
        .isPositive();
    assertThat(s.get("segments"))
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.get("newest").get("endOffset").asLong()).isPositive());
    assertThat(s.get("archive").get("partitions")).hasSize(3);
    // The store part of the collection: the manifests of three partitions read, nothing written.
    JsonNode requests = s.get("storeRequests");
    assertThat(requests.get("list").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(requests.get("get").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(requests.get("put").asLong()).isZero();
  }

  @Test
  void humanStatusShowsTheSections() {
    CommandLine cl = Rewind.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));

    assertThat(cl.execute("status", "-b", stack.bootstrapServers(), "--store", stack.storeUri()))
        .isZero();

    assertThat(out.toString())
        .contains(
            "ALERTS",
            "CHECKPOINT",
            "QUEUES",
            "TOPICS",
            "rewind.edits",
            "GROUPS",
            config.get(RewindConfig.ARCHIVER_GROUP),
            "SEGMENTS",
            "TABLES",
            "CLOCK SKEW",
            "status-test-fleet");
  }

  @Test
  void statusPageRendersTheChartAndTheServerTableInHeadlessChromium() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new AssertionError(
          "chromium is missing at " + CHROMIUM + ": run scripts/install-deps.sh");
    }
    StatusReport live = checkpoint.sampler().latest().orElseThrow();
    String dom = dumpDom(checkpoint.statusUrl().orElseThrow());

    assertThat(dom).contains("data-status=\"live\"");
    assertThat(Integer.parseInt(attribute(dom, "svg", "chart", "data-points")))
        .isGreaterThanOrEqualTo(3);
    String rpo = attribute(dom, "path", "rpo-line", "d");
    String lag = attribute(dom, "path", "lag-line", "d");
    assertThat(rpo).startsWith("M").contains("L");
    assertThat(lag).startsWith("M").contains("L");
    String queues = table(dom, "queues");
    assertThat(live.queues()).isNotEmpty();
    live.queues().forEach(q -> assertThat(queues).contains(q.server(), q.walGroup()));
    assertThat(queues.split("<tr>"))
        .hasSize(live.queues().size() + 2); // the header row, then one per queue
    assertThat(queues).contains("effective-claim");
    assertThat(table(dom, "groups")).contains(config.get(RewindConfig.ARCHIVER_GROUP), "STABLE");
    assertThat(table(dom, "topics")).contains("rewind.edits");
  }

  private String dumpDom(String url) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(home, "chromium-");
    Path log = home.resolve("chromium.log");
    Process p =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=8000",
                "--dump-dom",
                url)
            .redirectError(log.toFile())
            .start();
    byte[] dom;
    try {
      dom = p.getInputStream().readAllBytes();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "chromium did not finish within 90 s; its log: " + Files.readString(log));
      }
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue())
        .as("chromium's exit code; its log: %s", Files.readString(log))
        .isZero();
    return new String(dom, StandardCharsets.UTF_8);
  }

  private static String attribute(String dom, String tag, String id, String name) {
    Matcher element =
        Pattern.compile("<" + tag + "\\b[^>]*\\bid=\"" + id + "\"[^>]*>").matcher(dom);
    assertThat(element.find()).as("<%s id=%s> in the page:%n%s", tag, id, dom).isTrue();
    Matcher value = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(element.group());
    assertThat(value.find()).as("attribute %s of %s", name, element.group()).isTrue();
    return value.group(1);
  }

  private static String table(String dom, String id) {
    Matcher m =
        Pattern.compile("<table id=\"" + id + "\">(.*?)</table>", Pattern.DOTALL).matcher(dom);
    assertThat(m.find()).as("table %s in the page", id).isTrue();
    return m.group(1);
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.path(field).asText())) {
        return n;
      }
    }
    throw new AssertionError("no element with " + field + "=" + value + " in " + array);
  }
}
