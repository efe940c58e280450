package io.rewind.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (broker and controller in one) running inside this JVM, listening on
 * 127.0.0.1 only. Internal topics are sized for one node, so consumer groups, transactions and
 * exactly_once_v2 Streams apps work as on a real cluster.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final int NODE_ID = 1;
  private static final int BIND_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final int port;
  private final Path logDir;

  /** What an Admin client of the broker's own (super user, when secure) connects with. */
  private final Map<String, Object> superUserClient;

  private boolean stopped;

  private KafkaBroker(
      KafkaRaftServer server, int port, Path logDir, Map<String, Object> superUserClient) {
    this.server = server;
    this.port = port;
    this.logDir = logDir;
    this.superUserClient = superUserClient;
  }

  /**
   * Formats {@code logDir} as a new cluster, starts the node and returns once an Admin client's
   * describeCluster answers.
   *
   * @param overrides broker settings applied over the defaults of {@link #settings}
   */
  public static KafkaBroker start(Path logDir, Map<String, String> overrides) throws Exception {
    return start(logDir, overrides, null, LoopbackPorts::free);
  }

  /**
   * The same, secured by {@code security} (null: plaintext): clients on SASL_SSL, the internal and
   * controller listeners on TLS with the broker's certificate, ACLs enforced.
   */
  public static KafkaBroker start(
      Path logDir, Map<String, String> overrides, KafkaSecurity security) throws Exception {
    return start(logDir, overrides, security, LoopbackPorts::free);
  }

  /**
   * Another process may take a free port before the broker binds it (tests run side by side): then
   * the node starts again, on a freshly formatted log dir and new ports.
   */
  static KafkaBroker start(Path logDir, Map<String, String> overrides, IntSupplier ports)
      throws Exception {
    return start(logDir, overrides, null, ports);
  }

  private static KafkaBroker start(
      Path logDir, Map<String, String> overrides, KafkaSecurity security, IntSupplier ports)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(
            logDir,
            overrides,
            security,
            ports.getAsInt(),
            ports.getAsInt(),
            security == null ? -1 : ports.getAsInt());
      } catch (Exception e) {
        if (attempt >= BIND_ATTEMPTS || !isBindFailure(e)) {
          throw e;
        }
        LOG.warn(
            "a Kafka port was taken before the broker bound it ({}): starting again on other ports",
            e.getMessage());
        WorkDir.deleteRecursively(logDir);
      }
    }
  }

  private static KafkaBroker startOnce(
      Path logDir,
      Map<String, String> overrides,
      KafkaSecurity security,
      int port,
      int controllerPort,
      int internalPort)
      throws Exception {
    Files.createDirectories(logDir);
    Map<String, String> settings =
        settings(
            logDir,
            port,
            controllerPort,
            security == null
                ? Map.of()
                : security.brokerSettings(port, internalPort, controllerPort),
            overrides);
    Properties props = new Properties();
    props.putAll(settings);
    KafkaConfig config = new KafkaConfig(props, false);
    format(logDir, props, security == null ? List.of() : security.formatArguments());
    long started = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    Map<String, Object> client =
        security == null
            ? Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port)
            : security.superUserClient(internalPort);
    KafkaBroker broker = new KafkaBroker(server, port, logDir, client);
    try {
      server.startup();
      broker.awaitReady();
    } catch (Exception | Error e) {
      broker.close();
      throw e;
    }
    LOG.info(
        "Kafka broker ready on {} in {} ms",
        broker.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return broker;
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** The broker settings for one loopback node; pure, so the choices can be read and tested. */
  static Map<String, String> settings(
      Path logDir, int port, int controllerPort, Map<String, String> overrides) {
    return settings(logDir, port, controllerPort, Map.of(), overrides);
  }

  /**
   * With {@code security}'s listeners and settings ({@link KafkaSecurity#brokerSettings}) over the
   * plaintext ones.
   */
  static Map<String, String> settings(
      Path logDir,
      int port,
      int controllerPort,
      Map<String, String> security,
      Map<String, String> overrides) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("process.roles", "broker,controller");
    s.put("node.id", String.valueOf(NODE_ID));
    s.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    s.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + controllerPort);
    s.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    s.put("controller.listener.names", CONTROLLER_LISTENER);
    s.put("inter.broker.listener.name", "PLAINTEXT");
    s.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    s.put("log.dirs", logDir.toAbsolutePath().toString());
    // One node: every internal topic with one replica, and few partitions so they are created fast.
    s.put("offsets.topic.replication.factor", "1");
    s.put("offsets.topic.num.partitions", "5");
    s.put("transaction.state.log.replication.factor", "1");
    s.put("transaction.state.log.min.isr", "1");
    s.put("transaction.state.log.num.partitions", "5");
    s.put("share.coordinator.state.topic.replication.factor", "1");
    s.put("share.coordinator.state.topic.min.isr", "1");
    s.put("default.replication.factor", "1");
    s.put("min.insync.replicas", "1");
    s.put("num.partitions", "1");
    // Tests and the demo start consumers right away; the default 3 s delay only slows them.
    s.put("group.initial.rebalance.delay.ms", "0");
    // Rewind creates its topics with explicit settings; a typo must fail, not create a topic.
    s.put("auto.create.topics.enable", "false");
    // The log cleaner's 128 MiB default buffer is sized for production; compacted topics here are
    // tiny.
    s.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 << 20));
    s.putAll(security);
    s.putAll(overrides);
    return s;
  }

  /** Writes meta.properties and the bootstrap metadata, as {@code kafka-storage.sh format} does. */
  private static void format(Path logDir, Properties props, List<String> extraArguments)
      throws IOException {
    Path configFile = logDir.resolveSibling(logDir.getFileName() + ".properties");
    try (Writer writer = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
      props.store(writer, "embedded KRaft node");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      List<String> args =
          new ArrayList<>(
              List.of("format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()));
      args.addAll(extraArguments);
      exitCode = StorageTool.execute(args.toArray(String[]::new), print);
    } catch (RuntimeException e) {
      throw new StackStartException(
          "cannot format the Kafka log dir "
              + logDir
              + ": "
              + e.getMessage()
              + " (it must be empty or absent, and writable)",
          e);
    }
    String printed = output.toString(StandardCharsets.UTF_8).trim();
    if (exitCode != 0) {
      throw new StackStartException(
          "formatting the Kafka log dir "
              + logDir
              + " failed with exit code "
              + exitCode
              + ": "
              + printed
              + " (it must be empty or absent, and writable)");
    }
    LOG.debug("formatted {}: {}", logDir, printed);
  }

  private void awaitReady() throws InterruptedException {
    Map<String, Object> adminProps = new HashMap<>(superUserClient);
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(adminProps)) {
      Exception last = null;
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        }
        Thread.sleep(100);
      }
      throw new StackStartException(
          "the Kafka broker on "
              + bootstrapServers()
              + " did not answer describeCluster within "
              + READY_TIMEOUT.toSeconds()
              + " s; check the log for broker errors (log dir "
              + logDir
              + ")",
          last);
    }
  }

  /**
   * Admin client settings of the broker's own identity: the super user when the broker is secure
   * (for setting up ACLs).
   */
  public Map<String, Object> superUserClient() {
    return superUserClient;
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path logDir() {
    return logDir;
  }

  public synchronized boolean isRunning() {
    return !stopped;
  }

  /** Shuts the node down and waits until it has; calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    long started = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    LOG.info(
        "Kafka broker on {} stopped in {} ms",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
