package io.rewind.stack;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.store.kafka.RoleAcls;
import io.rewind.store.kafka.TopicCreator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real parts on this machine: a KRaft broker inside this JVM, the object store as a local
 * directory or, with {@link Builder#withS3}, a bucket of a real S3 API server (S3Proxy, a child
 * process, reached through S3A), and optionally the Apicurio Registry as a child process, all on
 * 127.0.0.1 with free ports. Work dir layout: {@code kafka/} (broker log dir), {@code store/} (the
 * object-store root), {@code s3/} (S3Proxy's data and log), {@code registry/} (the registry's
 * working dir and log), {@code streams/} (Streams state), {@code hbase/} (the HBase mini cluster's
 * ZooKeeper, HDFS and logs, with {@link Builder#withHBase}).
 */
public final class EmbeddedStack implements RewindStack {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  /** The bucket and key prefix of the store on S3Proxy: {@code s3a://rewind/store}. */
  static final String S3_BUCKET = "rewind";

  static final String S3_PREFIX = "store";

  private final Path workDir;
  private final boolean deleteWorkDir;
  private final KafkaBroker broker;
  private final ApicurioRegistry registry;
  private final S3ProxyServer s3;
  private final HBaseMiniCluster hbase;
  private final KafkaSecurity security;

  /** Without Kafka client credentials; {@link #config()} adds the admin role's when secure. */
  private final RewindConfig config;

  private final Thread shutdownHook = new Thread(this::close, "embedded-stack-shutdown");
  private boolean closed;

  private EmbeddedStack(
      Path workDir,
      boolean deleteWorkDir,
      KafkaBroker broker,
      ApicurioRegistry registry,
      S3ProxyServer s3,
      HBaseMiniCluster hbase,
      KafkaSecurity security,
      RewindConfig config) {
    this.hbase = hbase;
    this.security = security;
    this.workDir = workDir;
    this.deleteWorkDir = deleteWorkDir;
    this.broker = broker;
    this.registry = registry;
    this.s3 = s3;
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

  /**
   * The object-store root as a local directory: the store itself, or with S3 the directory where
   * S3Proxy keeps the objects under the store prefix (one file per key).
   */
  public Path storeDir() {
    return s3 == null ? workDir.resolve("store") : s3.bucketDir().resolve(S3_PREFIX);
  }

  /** The S3 API server, when the stack was started with one. */
  public Optional<S3ProxyServer> s3() {
    return Optional.ofNullable(s3);
  }

  @Override
  public Optional<String> registryUrl() {
    return Optional.ofNullable(registry).map(ApicurioRegistry::apiUrl);
  }

  /**
   * The stack's settings; when secure, with the admin role's Kafka credentials ({@link
   * #config(RoleAcls.Role)} for the others).
   */
  @Override
  public RewindConfig config() {
    return config(RoleAcls.Role.ADMIN);
  }

  /**
   * The settings a process of {@code role} runs with: when secure, SASL_SSL as that role's user;
   * else {@link #config()}'s.
   */
  public RewindConfig config(RoleAcls.Role role) {
    return security == null ? config : config.withAll(security.clientSettings(role));
  }

  /** The broker's security, when the stack was started {@link Builder#secure}. */
  public Optional<KafkaSecurity> security() {
    return Optional.ofNullable(security);
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

  /** The HBase mini cluster, when the stack was started with one ({@link Builder#withHBase}). */
  public Optional<HBaseMiniCluster> hbase() {
    return Optional.ofNullable(hbase);
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
    // HBase first: its replication endpoints publish into the broker until they stop.
    for (AutoCloseable part : new AutoCloseable[] {hbase, registry, s3, broker}) {
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

  /**
   * A demo stopped with Ctrl-C (or a test JVM exiting early) still stops the broker and cleans up.
   */
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
    private boolean withS3;
    private boolean withHBase;
    private boolean secure;
    private int hbaseRegionServers = 2;
    private boolean hbasePeer = true;
    private final Map<String, String> brokerConfig = new LinkedHashMap<>();
    private final Map<String, String> hbaseConfig = new LinkedHashMap<>();
    private final Map<String, String> peerSettings = new LinkedHashMap<>();

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

    /**
     * Keep the object store in a bucket of S3Proxy (a real S3 API server, child JVM, ~1 s to start)
     * reached through S3A, instead of a local directory; default off.
     */
    public Builder withS3(boolean on) {
      this.withS3 = on;
      return this;
    }

    /**
     * Also run an HBase mini cluster (~15 s to start) with replication, the marker chore and the
     * backup peer; default off. The caller's classpath must hold hbase-testing-util (an optional
     * dependency of the stack) and, for the peer, rewind-producers.
     */
    public Builder withHBase(boolean on) {
      this.withHBase = on;
      return this;
    }

    /**
     * Secure Kafka: clients on SASL_SSL with SCRAM, one user per role ({@link RoleAcls.Role})
     * holding only its ACLs (StandardAuthorizer), certificates made at start ({@link
     * KafkaSecurity}); default off.
     */
    public Builder secure(boolean on) {
      this.secure = on;
      return this;
    }

    /** Region servers of the HBase mini cluster; default 2. */
    public Builder hbaseRegionServers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("region servers must be at least 1, got " + n);
      }
      this.hbaseRegionServers = n;
      return this;
    }

    /** Whether to add the backup peer (KafkaBackupEndpoint) to the mini cluster; default on. */
    public Builder hbasePeer(boolean on) {
      this.hbasePeer = on;
      return this;
    }

    /** An extra setting of the backup peer (the endpoint's CONFIG), over the stack's own. */
    public Builder peerSetting(String key, String value) {
      peerSettings.put(key, value);
      return this;
    }

    /** An extra HBase setting, applied over the mini cluster's defaults. */
    public Builder hbaseConfig(String key, String value) {
      hbaseConfig.put(key, value);
      return this;
    }

    /** An extra broker setting, applied over the embedded defaults. */
    public Builder brokerConfig(String key, String value) {
      brokerConfig.put(key, value);
      return this;
    }

    /**
     * Starts the registry (if asked) and the broker side by side, then creates every Rewind topic.
     */
    public EmbeddedStack start() throws Exception {
      boolean temporary = workDir == null;
      Path dir = temporary ? Files.createTempDirectory("rewind-stack-") : workDir.toAbsolutePath();
      Path store = Files.createDirectories(dir.resolve("store"));
      ApicurioRegistry registry = null;
      S3ProxyServer s3 = null;
      KafkaBroker broker = null;
      HBaseMiniCluster hbase = null;
      KafkaSecurity security = secure ? KafkaSecurity.create(dir.resolve("tls")) : null;
      try {
        // Child JVMs first, so they boot while the broker starts here.
        if (withRegistry) {
          registry = ApicurioRegistry.launch(dir.resolve("registry"));
        }
        if (withS3) {
          s3 = S3ProxyServer.launch(dir.resolve("s3"), S3_BUCKET);
        }
        broker = KafkaBroker.start(dir.resolve("kafka"), brokerConfig, security);
        if (registry != null) {
          registry.awaitReady();
        }
        if (s3 != null) {
          s3.awaitReady();
        }
        RewindConfig config = config(broker, store, registry, s3, dir);
        if (security != null) {
          createAcls(broker, security.acls(config));
        }
        createTopics(
            security == null
                ? config
                : config.withAll(security.clientSettings(RoleAcls.Role.ADMIN)));
        if (withHBase) {
          // After the topics exist: the peer's endpoints publish as soon as it is added.
          hbase =
              HBaseMiniCluster.start(
                  dir.resolve("hbase"),
                  hbaseRegionServers,
                  (security == null
                          ? config
                          : config.withAll(security.clientSettings(RoleAcls.Role.ENDPOINT)))
                      .withAll(peerSettings),
                  hbasePeer,
                  hbaseConfig);
        }
        LOG.info(
            "embedded stack ready: kafka {}, store {}{}{}",
            broker.bootstrapServers(),
            config.storeUri(),
            registry == null ? "" : ", registry " + registry.apiUrl(),
            hbase == null ? "" : ", HBase ZooKeeper " + hbase.zookeeperQuorum());
        EmbeddedStack stack =
            new EmbeddedStack(dir, temporary, broker, registry, s3, hbase, security, config);
        stack.addShutdownHook();
        return stack;
      } catch (Exception | Error e) {
        stopAfterFailedStart(e, hbase, registry, s3, broker, temporary ? dir : null);
        throw e;
      }
    }

    private RewindConfig config(
        KafkaBroker broker, Path store, ApicurioRegistry registry, S3ProxyServer s3, Path dir) {
      Map<String, String> values = new LinkedHashMap<>();
      values.put(RewindConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
      if (s3 == null) {
        values.put(RewindConfig.STORE_URI, "file://" + store.toAbsolutePath());
      } else {
        values.put(RewindConfig.STORE_URI, s3.uri(S3_PREFIX));
        values.putAll(s3.hadoopConf());
      }
      values.put(RewindConfig.REGISTRY_URL, registry == null ? "" : registry.apiUrl());
      values.put(RewindConfig.EDITS_PARTITIONS, String.valueOf(editsPartitions));
      // Per stack, so two stacks (or test runs) never share Streams state.
      values.put(RewindConfig.CHECKPOINT_STATE_DIR, dir.resolve("streams").toString());
      return RewindConfig.of(values);
    }

    /** Every role's ACLs, created as the super user (the broker's certificate). */
    private static void createAcls(KafkaBroker broker, List<AclBinding> acls) throws Exception {
      try (Admin admin = Admin.create(broker.superUserClient())) {
        admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      }
    }

    private static void createTopics(RewindConfig config) throws InterruptedException {
      try (Admin admin = new KafkaClients(config).admin("rewind-stack")) {
        new TopicCreator(admin).createMissing(config);
      }
    }
  }

  /** Stops what did start; failures while doing so travel with the original one. */
  private static void stopAfterFailedStart(
      Throwable cause,
      HBaseMiniCluster hbase,
      ApicurioRegistry registry,
      S3ProxyServer s3,
      KafkaBroker broker,
      Path temporaryDir) {
    try {
      if (hbase != null) {
        hbase.close();
      }
      if (registry != null) {
        registry.close();
      }
      if (s3 != null) {
        s3.close();
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
