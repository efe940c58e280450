package io.rewind.stack;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.store.kafka.TopicCreator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The {@link RewindStack} on Docker containers (Kafka in KRaft mode from the official image, MinIO
 * as the S3 store, Apicurio Registry 3), for machines with a Docker engine. Where none answers,
 * {@link #unavailableReason()} says why and tests skip it; {@link EmbeddedStack} runs everywhere.
 */
public final class ContainersStack implements RewindStack {

  public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
  public static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
  public static final String APICURIO_IMAGE = "apicurio/apicurio-registry:3.0.9";
  static final String BUCKET = "rewind";
  private static final String MINIO_USER = "rewind";
  private static final String MINIO_PASSWORD = "rewind-secret";

  private final KafkaContainer kafka;
  private final MinIOContainer minio;
  private final GenericContainer<?> registry;
  private final RewindConfig config;
  private boolean closed;

  private ContainersStack(
      KafkaContainer kafka,
      MinIOContainer minio,
      GenericContainer<?> registry,
      RewindConfig config) {
    this.kafka = kafka;
    this.minio = minio;
    this.registry = registry;
    this.config = config;
  }

  /** Null when a Docker engine answers; otherwise why this fixture cannot run here. */
  public static String unavailableReason() {
    try {
      if (DockerClientFactory.instance().isDockerAvailable()) {
        return null;
      }
      return "no Docker engine answered (Testcontainers found no usable DOCKER_HOST or socket)";
    } catch (RuntimeException | LinkageError e) {
      return "no Docker engine answered: " + e.getMessage();
    }
  }

  public static ContainersStack start(int editsPartitions, boolean withRegistry) throws Exception {
    String reason = unavailableReason();
    if (reason != null) {
      throw new StackStartException(
          "cannot start the containers stack: " + reason + "; use EmbeddedStack");
    }
    KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
    MinIOContainer minio =
        new MinIOContainer(DockerImageName.parse(MINIO_IMAGE))
            .withUserName(MINIO_USER)
            .withPassword(MINIO_PASSWORD);
    GenericContainer<?> registry =
        withRegistry
            ? new GenericContainer<>(DockerImageName.parse(APICURIO_IMAGE))
                .withExposedPorts(8080)
                .waitingFor(
                    Wait.forHttp("/health/ready")
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(2)))
            : null;
    try {
      kafka.start();
      minio.start();
      // A bucket is a top-level directory of MinIO's data dir until it holds objects.
      minio.execInContainer("mkdir", "-p", "/data/" + BUCKET);
      if (registry != null) {
        registry.start();
      }
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put(RewindConfig.BOOTSTRAP_SERVERS, kafka.getBootstrapServers());
      settings.put(RewindConfig.EDITS_PARTITIONS, String.valueOf(editsPartitions));
      settings.put(RewindConfig.STORE_URI, "s3a://" + BUCKET + "/" + UUID.randomUUID());
      settings.put("fs.s3a.endpoint", minio.getS3URL());
      settings.put("fs.s3a.endpoint.region", "us-east-1");
      settings.put("fs.s3a.path.style.access", "true");
      settings.put("fs.s3a.connection.ssl.enabled", "false");
      settings.put(
          "fs.s3a.aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      settings.put("fs.s3a.access.key", MINIO_USER);
      settings.put("fs.s3a.secret.key", MINIO_PASSWORD);
      if (registry != null) {
        settings.put(
            RewindConfig.REGISTRY_URL,
            "http://"
                + registry.getHost()
                + ":"
                + registry.getMappedPort(8080)
                + "/apis/registry/v3");
      }
      RewindConfig config = RewindConfig.of(settings);
      try (Admin admin = new KafkaClients(config).admin("rewind-containers-stack")) {
        new TopicCreator(admin).createMissing(config);
      }
      return new ContainersStack(kafka, minio, registry, config);
    } catch (Exception | Error e) {
      stopQuietly(registry);
      stopQuietly(minio);
      stopQuietly(kafka);
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  @Override
  public String storeUri() {
    return config.storeUri();
  }

  @Override
  public Optional<String> registryUrl() {
    String url = config.registryUrl();
    return url.isBlank() ? Optional.empty() : Optional.of(url);
  }

  @Override
  public RewindConfig config() {
    return config;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopQuietly(registry);
    stopQuietly(minio);
    stopQuietly(kafka);
  }

  private static void stopQuietly(GenericContainer<?> container) {
    if (container != null) {
      container.stop();
    }
  }
}
