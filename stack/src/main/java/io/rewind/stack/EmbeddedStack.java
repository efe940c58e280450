package io.rewind.stack;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.kafka.KafkaClients;
import io.rewind.core.kafka.TopicCreator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real parts on this machine: a KRaft broker inside this JVM, the object store as a local
 * directory, and optionally the Apicurio Registry as a child process, all on 127.0.0.1 with free
 * ports. Work dir layout: {@code kafka/} (broker log dir), {@code store/} (the object-store root),
 * {@code registry/} (the registry's working dir and log), {@code streams/} (Streams state).
 */
public final class EmbeddedStack implements RewindStack {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  private final Path workDir;
  private final boolean deleteWorkDir;
  private final KafkaBroker broker;
  private final ApicurioRegistry registry;
  private final RewindConfig config;
  private final Thread shutdownHook = new Thread(this::close, "embedded-stack-shutdown");
  private boolean closed;

  private EmbeddedStack(
      Path workDir, boolean deleteWorkDir, KafkaBroker broker, ApicurioRegistry registry, RewindConfig config) {
    this.workDir = workDir;
    this.deleteWorkDir = deleteWorkDir;
    this.broker = broker;
    this.registry = registry;
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  public String storeUri() {
    return config.storeUri();
  }

  /** The object-store root as a local directory. */
  public Path storeDir() {
    return workDir.resolve("store");
  }

  @Override
  public Optional<String> registryUrl() {
    return Optional.ofNullable(registry).map(ApicurioRegistry::apiUrl);
  }

  @Override
  public RewindConfig config() {
    return config;
  }

  public Path workDir() {
    return workDir;
  }

  public KafkaBroker broker() {
    return broker;
  }

  public Optional<ApicurioRegistry> registry() {
    return Optional.ofNullable(registry);
  }

  /** Stops Kafka only, as in a disaster: the store (and the registry) stay. */
  public void stopBroker() {
    broker.close();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeShutdownHook();
    RuntimeException failure = null;
    for (AutoCloseable part : new AutoCloseable[] {registry, broker}) {
      try {
        if (part != null) {
          part.close();
        }
      } catch (Exception e) {
        failure = chain(failure, e);
      }
    }
    if (deleteWorkDir) {
      try {
        WorkDir.deleteRecursively(workDir);
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("cannot delete the stack's work dir {}: {}", workDir, e.getMessage());
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A demo stopped with Ctrl-C (or a test JVM exiting early) still stops the broker and cleans up. */
  private void addShutdownHook() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private void removeShutdownHook() {
    if (Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting: the hook runs anyway.
    }
  }

  private static RuntimeException chain(RuntimeException failure, Exception e) {
    if (failure == null) {
      return new IllegalStateException("stopping the embedded stack failed: " + e.getMessage(), e);
    }
    failure.addSuppressed(e);
    return failure;
  }

  /** Chooses what to start; {@link #start()} starts it. */
  public static final class Builder {
    private Path workDir;
    private int editsPartitions = 12;
    private boolean withRegistry;
    private final Map<String, String> brokerConfig = new LinkedHashMap<>();

    private Builder() {}

    /** Where the broker, store and logs live; default a new temporary dir, deleted on close. */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** Partitions of the edits topic; default 12. */
    public Builder editsPartitions(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("edits partitions must be at least 1, got " + n);
      }
      this.editsPartitions = n;
      return this;
    }

    /** Also run the Apicurio Registry (a child JVM, ~5 s to start); default off. */
    public Builder withRegistry(boolean on) {
      this.withRegistry = on;
      return this;
    }

    /** An extra broker setting, applied over the embedded defaults. */
    public Builder brokerConfig(String key, String value) {
      brokerConfig.put(key, value);
      return this;
    }

    /** Starts the registry (if asked) and the broker side by side, then creates every Rewind topic. */
    public EmbeddedStack start() throws Exception {
      boolean temporary = workDir == null;
      Path dir = temporary ? Files.createTempDirectory("rewind-stack-") : workDir.toAbsolutePath();
      Path store = Files.createDirectories(dir.resolve("store"));
      ApicurioRegistry registry = null;
      KafkaBroker broker = null;
      try {
        // The registry is a separate JVM: launch it first so it boots while the broker starts here.
        if (withRegistry) {
          registry = ApicurioRegistry.launch(dir.resolve("registry"));
        }
        broker = KafkaBroker.start(dir.resolve("kafka"), brokerConfig);
        if (registry != null) {
          registry.awaitReady();
        }
        RewindConfig config = config(broker, store, registry, dir);
        createTopics(config);
        LOG.info("embedded stack ready: kafka {}, store {}{}", broker.bootstrapServers(), config.storeUri(),
            registry == null ? "" : ", registry " + registry.apiUrl());
        EmbeddedStack stack = new EmbeddedStack(dir, temporary, broker, registry, config);
        stack.addShutdownHook();
        return stack;
      } catch (Exception | Error e) {
        stopAfterFailedStart(e, registry, broker, temporary ? dir : null);
        throw e;
      }
    }

    private RewindConfig config(KafkaBroker broker, Path store, ApicurioRegistry registry, Path dir) {
      Map<String, String> values = new LinkedHashMap<>();
      values.put(RewindConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
      values.put(RewindConfig.STORE_URI, "file://" + store.toAbsolutePath());
      values.put(RewindConfig.REGISTRY_URL, registry == null ? "" : registry.apiUrl());
      values.put(RewindConfig.EDITS_PARTITIONS, String.valueOf(editsPartitions));
      // Per stack, so two stacks (or test runs) never share Streams state.
      values.put(RewindConfig.CHECKPOINT_STATE_DIR, dir.resolve("streams").toString());
      return RewindConfig.of(values);
    }

    private static void createTopics(RewindConfig config) throws InterruptedException {
      try (Admin admin = new KafkaClients(config).admin("rewind-stack")) {
        new TopicCreator(admin).createMissing(config);
      }
    }
  }

  /** Stops what did start; failures while doing so travel with the original one. */
  private static void stopAfterFailedStart(Throwable cause, ApicurioRegistry registry, KafkaBroker broker, Path temporaryDir) {
    try {
      if (registry != null) {
        registry.close();
      }
      if (broker != null) {
        broker.close();
      }
      if (temporaryDir != null) {
        WorkDir.deleteRecursively(temporaryDir);
      }
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }
}
