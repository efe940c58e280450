package io.rewind.stack;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server on 127.0.0.1: S3Proxy (its {@code jar-with-dependencies}) as a child JVM,
 * storing objects in a local directory (jclouds' filesystem provider: one sub-directory per
 * bucket). Rewind reaches it through Hadoop's S3A connector with path-style requests and
 * credentials, exactly as it would reach MinIO or AWS S3; {@link #hadoopConf()} holds the settings.
 *
 * <p>The jar is copied by the stack module's build to {@value #BUILT_JAR}; a checkout that has not
 * built the stack falls back to the local Maven repository.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String VERSION = "4.1.0";
  static final String JAR_NAME = "s3proxy-" + VERSION + "-jar-with-dependencies.jar";
  static final String BUILT_JAR = "stack/target/s3proxy/" + JAR_NAME;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int BIND_ATTEMPTS = 3;
  private static final Logger LOG = LoggerFactory.getLogger(S3ProxyServer.class);

  private final Path jar;
  private final Path workDir;
  private final String bucket;
  private final String accessKey = "rewind-" + UUID.randomUUID().toString().substring(0, 8);
  private final String secretKey = UUID.randomUUID().toString();
  private volatile ChildProcess process;
  private volatile int port;

  private S3ProxyServer(Path jar, Path workDir, String bucket) {
    this.jar = jar;
    this.workDir = workDir;
    this.bucket = bucket;
  }

  /**
   * Starts a server holding one (empty) bucket under {@code workDir/data} and waits until it
   * answers.
   */
  public static S3ProxyServer start(Path workDir, String bucket)
      throws IOException, InterruptedException {
    S3ProxyServer server = launch(workDir, bucket);
    try {
      server.awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Launches the server without waiting, so other parts can start meanwhile; then {@link
   * #awaitReady()}.
   */
  public static S3ProxyServer launch(Path workDir, String bucket) throws IOException {
    S3ProxyServer server = new S3ProxyServer(locateJar(), workDir.toAbsolutePath(), bucket);
    Files.createDirectories(server.bucketDir());
    server.launchOnFreePort();
    return server;
  }

  private void launchOnFreePort() throws IOException {
    port = LoopbackPorts.free();
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", endpoint());
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", accessKey);
    p.setProperty("s3proxy.credential", secretKey);
    p.setProperty("jclouds.provider", "filesystem");
    p.setProperty("jclouds.filesystem.basedir", dataDir().toString());
    p.setProperty("jclouds.identity", "unused");
    p.setProperty("jclouds.credential", "unused");
    Path conf = workDir.resolve("s3proxy.conf");
    Files.createDirectories(workDir);
    try (Writer w = Files.newBufferedWriter(conf)) {
      p.store(w, "S3Proxy for the Rewind embedded stack");
    }
    List<String> command =
        ChildProcess.javaCommand(
            List.of(
                "-Xms32m",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--properties",
                conf.toString()));
    process = ChildProcess.start("s3proxy", command, workDir, workDir.resolve("s3proxy.log"));
  }

  /**
   * Waits until the server answers HTTP (any status: an anonymous request is refused with 403). A
   * port taken by another process before the server bound it is retried on another port.
   */
  public synchronized void awaitReady() throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        process.awaitHttp(URI.create(endpoint() + "/"), status -> status > 0, READY_TIMEOUT);
        return;
      } catch (StackStartException e) {
        if (attempt >= BIND_ATTEMPTS
            || process.isAlive()
            || !ApicurioRegistry.lostItsPort(process.logTail())) {
          throw e;
        }
        LOG.warn("port {} was taken before S3Proxy bound it: launching it again on another", port);
        process.close();
        try {
          launchOnFreePort();
        } catch (IOException launchFailure) {
          throw new StackStartException(
              "cannot launch S3Proxy again: " + launchFailure.getMessage(), launchFailure);
        }
      }
    }
  }

  /** The jar built beside the sources, else the one in the local Maven repository. */
  static Path locateJar() {
    Optional<Path> root = ProjectRoot.locate();
    if (root.isPresent() && Files.isRegularFile(root.get().resolve(BUILT_JAR))) {
      return root.get().resolve(BUILT_JAR);
    }
    String repo = System.getProperty("maven.repo.local");
    Path m2 =
        repo != null && !repo.isBlank()
            ? Paths.get(repo)
            : Paths.get(System.getProperty("user.home"), ".m2", "repository");
    Path cached = m2.resolve("org/gaul/s3proxy/" + VERSION + "/" + JAR_NAME);
    if (Files.isRegularFile(cached)) {
      return cached;
    }
    throw new StackStartException(
        "S3Proxy "
            + VERSION
            + " is not available: neither "
            + root.map(r -> r.resolve(BUILT_JAR).toString()).orElse(BUILT_JAR)
            + " nor "
            + cached
            + " exists; run `mvn -pl stack package` in the Rewind checkout (it copies the jar)");
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public String bucket() {
    return bucket;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Where the objects of the bucket lie on disk (one file per object key). */
  public Path bucketDir() {
    return dataDir().resolve(bucket);
  }

  private Path dataDir() {
    return workDir.resolve("data");
  }

  public Path logFile() {
    return process.logFile();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /**
   * The S3A settings that reach this server: the same keys reach MinIO or AWS S3
   * (docs/archivers.md).
   */
  public Map<String, String> hadoopConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("fs.s3a.endpoint", endpoint());
    conf.put("fs.s3a.endpoint.region", "us-east-1");
    conf.put("fs.s3a.path.style.access", "true");
    conf.put("fs.s3a.connection.ssl.enabled", "false");
    conf.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.put("fs.s3a.access.key", accessKey);
    conf.put("fs.s3a.secret.key", secretKey);
    // Loopback: fail fast instead of S3A's minutes of retries when the server is gone.
    conf.put("fs.s3a.attempts.maximum", "3");
    conf.put("fs.s3a.retry.limit", "3");
    conf.put("fs.s3a.retry.interval", "200ms");
    return conf;
  }

  /** {@code s3a://<bucket>/<prefix>}. */
  public String uri(String prefix) {
    return "s3a://" + bucket + "/" + prefix;
  }

  @Override
  public void close() {
    ChildProcess p = process;
    if (p != null) {
      p.close();
    }
  }
}
