package io.rewind.endpointit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rewind.archiver.Archiver;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.cli.Rewind;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.stack.ChildProcess;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.catalog.CheckpointFile;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * The RegionServer jar as an operator deploys it: an HBase 2.6.1 mini cluster in a child JVM whose
 * classpath is HBase's own jars, that jar and an hbase-site.xml with the settings
 * docs/hbase-endpoint.md lists ({@code OperatorHBase}); peers added as the docs' {@code add_peer}
 * builds them. The backup peer compresses with zstd; its edits, markers, cluster snapshots and the
 * master's table record reach the embedded broker, the archiver and checkpoint of this JVM take
 * them, and a restore to T returns the rows. A peer whose codec cannot run is refused at add_peer
 * naming the setting; an OAUTHBEARER peer compressing with snappy starts (jose4j is in the jar,
 * snappy-java on HBase's classpath).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointOnHBaseClasspathTest {

  private static final String TABLE = "it:orders";
  private static final Duration STEP = Duration.ofSeconds(90);

  private EmbeddedStack stack;
  private CheckpointApp checkpoint;
  private Archiver archiver;
  private ObjectStore store;
  private ChildProcess hbase;
  private Path work;

  @BeforeAll
  void start() throws Exception {
    try {
      stack = EmbeddedStack.builder().editsPartitions(2).start();
      checkpoint = new CheckpointApp(stack.config());
      checkpoint.start();
      archiver = new Archiver(stack.config(), "endpoint-it");
      archiver.start();
      store = ObjectStore.open(stack.config());
      work = Files.createDirectories(stack.workDir().resolve("operator"));
      Path conf = Files.createDirectories(work.resolve("conf"));
      Files.write(conf.resolve("hbase-site.xml"), hbaseSite(work).getBytes(StandardCharsets.UTF_8));
      Files.write(
          conf.resolve("log4j.properties"),
          String.join(
                  "\n",
                  "log4j.rootLogger=WARN,console",
                  "log4j.logger.io.rewind=INFO",
                  "log4j.appender.console=org.apache.log4j.ConsoleAppender",
                  "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
                  "log4j.appender.console.layout.ConversionPattern=%d{HH:mm:ss.SSS} %-5p [%t] %c{2} - %m%n",
                  "")
              .getBytes(StandardCharsets.UTF_8));
      writePeer("peer.properties", backupPeer());
      Map<String, String> oauth = docsPeer();
      oauth.put("kafka.security.protocol", "SASL_PLAINTEXT");
      oauth.put("kafka.sasl.mechanism", "OAUTHBEARER");
      oauth.put(
          "kafka.sasl.jaas.config",
          "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=\"endpoint\";");
      oauth.put("endpoint.snapshots.enabled", "false");
      // snappy-java is the RegionServer's (HBase's Hadoop ships it), not the jar's: the endpoint's
      // start tries it.
      oauth.put("producer.compression.type", "snappy");
      writePeer("oauth-peer.properties", oauth);
      Map<String, String> refused = docsPeer();
      refused.put("producer.compression.type", "brotli");
      writePeer("refused-peer.properties", refused);

      String classpath =
          String.join(
              File.pathSeparator,
              conf.toString(),
              RegionServerJar.hbaseClasspath(),
              RegionServerJar.operatorJar().toString(),
              RegionServerJar.shadedJar().toString());
      hbase =
          ChildProcess.start(
              "hbase-2.6.1",
              ChildProcess.javaCommand(
                  List.of(
                      "-Xmx768m",
                      "-XX:+UseSerialGC",
                      "--add-opens=java.base/java.lang=ALL-UNNAMED",
                      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                      "--add-opens=java.base/java.nio=ALL-UNNAMED",
                      "-Dtest.build.data.basedirectory=" + work.resolve("data"),
                      "-cp",
                      classpath,
                      "io.rewind.endpointit.OperatorHBase",
                      work.toString())),
              work,
              work.resolve("hbase.log"));
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {hbase, archiver, checkpoint, store, stack}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  @Order(1)
  void aPeerWhoseCodecCannotRunIsRefusedAtAddPeerNamingTheSetting() throws Exception {
    String refused = report("refused.txt");

    assertThat(refused)
        .startsWith("REFUSED")
        .contains("producer.compression.type=brotli")
        .contains("update_peer_config");
  }

  @Test
  @Order(2)
  void anOauthBearerPeerWithSnappyStarts() throws Exception {
    assertThat(report("oauth.txt")).isEqualTo("RUNNING");
    assertThat(log())
        .doesNotContain("NoClassDefFoundError")
        .doesNotContain("ClassNotFoundException");
  }

  @Test
  @Order(3)
  void editsMarkersSnapshotsAndTheTableReachKafka() throws Exception {
    report("written.txt");
    Topics topics = new KafkaClients(stack.config()).topics();
    SerdeFactory serdes = new SerdeFactory(null);
    List<WalEdit> edits = new ArrayList<>();
    List<ProgressEvent> progress = new ArrayList<>();
    List<TableDescriptor> tables = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaClients(stack.config()).consumer("endpoint-it", null)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of(topics.edits(), topics.progress(), topics.tables())) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      await()
          .atMost(STEP)
          .pollInterval(Duration.ZERO)
          .untilAsserted(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  if (r.topic().equals(topics.edits())) {
                    edits.add(
                        serdes
                            .deserializer(WalEdit.class)
                            .deserialize(r.topic(), r.headers(), r.value()));
                  } else if (r.topic().equals(topics.progress())) {
                    progress.add(
                        serdes
                            .deserializer(ProgressEvent.class)
                            .deserialize(r.topic(), r.headers(), r.value()));
                  } else {
                    tables.add(
                        serdes
                            .deserializer(TableDescriptor.class)
                            .deserialize(r.topic(), r.headers(), r.value()));
                  }
                }
                assertThat(edits.stream().filter(e -> e.getTable().equals(TABLE)))
                    .as("edits (50 puts, 1 delete)")
                    .hasSize(51);
                assertThat(progress)
                    .as("BATCH and CHORE markers")
                    .anyMatch(
                        p ->
                            p.getBody() instanceof Marker
                                && ((Marker) p.getBody()).getSource() == MarkerSource.BATCH)
                    .anyMatch(
                        p ->
                            p.getBody() instanceof Marker
                                && ((Marker) p.getBody()).getSource() == MarkerSource.CHORE);
                assertThat(progress)
                    .as("a cluster snapshot listing the backup peer's queue")
                    .anyMatch(
                        p ->
                            p.getBody() instanceof ClusterSnapshot
                                && !((ClusterSnapshot) p.getBody()).getQueues().isEmpty());
                assertThat(tables)
                    .as("the master's CREATE record")
                    .anyMatch(t -> t.getTable().equals(TABLE) && "CREATE".equals(t.getChange()));
              });
    }
  }

  @Test
  @Order(4)
  void aRestoreToTReturnsTheRows() throws Exception {
    List<String> written = report("written.txt").lines().collect(Collectors.toList());
    long t = Long.parseLong(written.get(written.size() - 1).substring("T ".length()));
    List<String> expected = written.subList(0, written.size() - 1);
    await()
        .atMost(STEP)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> CheckpointFile.read(store).map(c -> c.time >= t).orElse(false));

    Path out = work.resolve("restored");
    CommandLine rewind = Rewind.commandLine();
    StringWriter err = new StringWriter();
    rewind.setErr(new PrintWriter(err));
    rewind.setOut(new PrintWriter(new StringWriter()));
    int exit =
        rewind.execute(
            "restore",
            "--store",
            stack.storeUri(),
            "--to",
            String.valueOf(t),
            "--out",
            out.toString());

    assertThat(exit).as("rewind restore exit; stderr: %s", err).isZero();
    List<String> dump = Files.readAllLines(out.resolve("it__orders.cells"), StandardCharsets.UTF_8);
    assertThat(dump.get(0)).startsWith("# rewind-dump v1 table=it:orders");
    assertThat(dump.subList(1, dump.size())).containsExactlyElementsOf(expected);
  }

  /** The settings the docs' add_peer example gives. */
  private Map<String, String> docsPeer() {
    RewindConfig c = stack.config();
    Map<String, String> peer = new LinkedHashMap<>();
    peer.put(RewindConfig.BOOTSTRAP_SERVERS, c.bootstrapServers());
    peer.put(RewindConfig.TOPIC_PREFIX, c.topicPrefix());
    peer.put(RewindConfig.CHECKPOINT_MARGIN_MS, "500");
    peer.put(RewindConfig.STORE_URI, stack.storeUri());
    return peer;
  }

  private Map<String, String> backupPeer() {
    Map<String, String> peer = docsPeer();
    peer.put("producer.compression.type", "zstd");
    return peer;
  }

  /**
   * hbase-site.xml: docs/hbase-endpoint.md's settings, then the mini cluster's (loopback, no web
   * UIs, short pauses).
   */
  private static String hbaseSite(Path work) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("hbase.regionserver.replication.marker.enabled", "true");
    s.put("hbase.regionserver.replication.marker.chore.duration", "500");
    s.put("hbase.replication.bulkload.enabled", "true");
    s.put("hbase.replication.cluster.id", "endpoint-it");
    s.put("hbase.coprocessor.master.classes", "io.rewind.producer.hbase.BackupMasterObserver");
    s.put("hbase.master.info.port", "-1");
    s.put("hbase.regionserver.info.port", "-1");
    s.put("hbase.master.ipc.address", "127.0.0.1");
    s.put("hbase.regionserver.ipc.address", "127.0.0.1");
    s.put("hbase.unsafe.regionserver.hostname", "127.0.0.1");
    s.put("hbase.master.hostname", "127.0.0.1");
    s.put("hbase.zookeeper.quorum", "127.0.0.1");
    s.put("dfs.datanode.address", "127.0.0.1:0");
    s.put("dfs.datanode.http.address", "127.0.0.1:0");
    s.put("dfs.datanode.ipc.address", "127.0.0.1:0");
    s.put("dfs.namenode.http-address", "127.0.0.1:0");
    s.put("replication.source.sleepforretries", "100");
    s.put("hbase.regionserver.handler.count", "8");
    s.put("hbase.master.handler.count", "8");
    s.put("hbase.client.pause", "20");
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
    s.forEach(
        (k, v) ->
            xml.append("  <property><name>")
                .append(k)
                .append("</name><value>")
                .append(v)
                .append("</value></property>\n"));
    return xml.append("</configuration>\n").toString();
  }

  private void writePeer(String name, Map<String, String> settings) throws IOException {
    Properties p = new Properties();
    p.putAll(settings);
    try (Writer w = Files.newBufferedWriter(work.resolve(name), StandardCharsets.UTF_8)) {
      p.store(w, "CONFIG of add_peer");
    }
  }

  /**
   * A step's report from the child, once written; fails with the child's log when it failed or died
   * first.
   */
  private String report(String name) throws IOException {
    Path file = work.resolve(name);
    Path failed = work.resolve("failed.txt");
    await()
        .atMost(STEP)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> Files.exists(file) || Files.exists(failed) || !hbase.isAlive());
    if (!Files.exists(file)) {
      throw new AssertionError(
          "the HBase child did not report "
              + name
              + (Files.exists(failed) ? ": " + Files.readString(failed) : "")
              + "\n"
              + hbase.logTail());
    }
    return Files.readString(file).trim();
  }

  private String log() throws IOException {
    return new String(Files.readAllBytes(hbase.logFile()), StandardCharsets.UTF_8);
  }
}
