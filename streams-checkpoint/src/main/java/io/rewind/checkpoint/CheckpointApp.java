package io.rewind.checkpoint;

import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.schemas.Checkpoint;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.CheckpointFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint stage: a Kafka Streams app (exactly-once) that computes the global checkpoint C
 * from the progress and archived topics with {@link CheckpointRules}, publishes it to the
 * checkpoints topic (key {@code global}, plus one row per queue) and writes it to the object store
 * ({@code checkpoints/latest.json}). Its state lives in a changelogged store, so a killed instance
 * resumes where it stopped. An HTTP endpoint ({@link CheckpointHttpServer}) serves the checkpoint,
 * the per-queue table and the Prometheus metrics ({@link CheckpointMetrics}).
 *
 * <p>Settings besides the shared ones: {@code checkpoint.http.port} (default 0: a free port, logged
 * and given by {@link #httpAddress()}; -1 turns the endpoint off) and {@code checkpoint.http.host}
 * (default 127.0.0.1).
 */
public final class CheckpointApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointApp.class);

  /** Store writes at most this often; the checkpoint changes far more often under load. */
  static final long FILE_WRITE_INTERVAL_MS = 100;

  /** Counter of computed checkpoints lower than the previous one. */
  public static final String DECREASES_METRIC = CheckpointMetrics.DECREASES;

  /**
   * Streams commit interval unless streams.commit.interval.ms says otherwise: a checkpoint is
   * visible once committed.
   */
  public static final int COMMIT_INTERVAL_MS = 100;

  /**
   * The Streams producer's retry back-off (see {@link #streamsProperties()});
   * streams.producer.retry.backoff.ms changes it.
   */
  static final int PRODUCER_RETRY_BACKOFF_MS = 20;

  /** Port of the HTTP endpoint: 0 picks a free port, -1 turns the endpoint off. */
  public static final String HTTP_PORT = RewindConfig.CHECKPOINT_HTTP_PORT;

  /** Address the HTTP endpoint binds. */
  public static final String HTTP_HOST = RewindConfig.CHECKPOINT_HTTP_HOST;

  private final RewindConfig config;
  private final Clock clock = Clock.systemUTC();
  private final CheckpointStatus status = new CheckpointStatus(clock);
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CheckpointMetrics metrics;
  private CheckpointHttpServer http;

  /** Extra HTTP routes (the status page), registered when the endpoint starts. */
  private final Map<String, HttpHandler> routes = new LinkedHashMap<>();

  private ObjectStore store;
  private CheckpointFileWriter fileWriter;
  private Admin admin;
  private KafkaStreams streams;

  public CheckpointApp(RewindConfig config) {
    this.config = config;
    this.metrics = new CheckpointMetrics(prometheus, status, clock);
  }

  /**
   * With the meters also registered in {@code meters} (besides the app's own Prometheus registry).
   */
  public CheckpointApp(RewindConfig config, MeterRegistry meters) {
    this.config = config;
    CompositeMeterRegistry both = new CompositeMeterRegistry();
    both.add(prometheus);
    both.add(meters);
    this.metrics = new CheckpointMetrics(both, status, clock);
  }

  /** Starts the Streams app; returns at once (the checkpoint follows once state is restored). */
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("the checkpoint app is already started; close() it first");
    }
    try {
      store = ObjectStore.open(config);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the object store " + config.get(RewindConfig.STORE_URI), e);
    }
    fileWriter = new CheckpointFileWriter(store, FILE_WRITE_INTERVAL_MS);
    int httpPort = config.getInt(HTTP_PORT);
    if (httpPort >= 0) {
      http =
          CheckpointHttpServer.start(
              config.get(HTTP_HOST).trim(), httpPort, status, prometheus, clock);
      routes.forEach(http::route);
    }
    KafkaClients clients = new KafkaClients(config);
    Topics topics = clients.topics();
    long pollMs = config.getLong(RewindConfig.CHECKPOINT_POLL_MS);
    admin = clients.admin("rewind-checkpoint-end-offsets");
    EndOffsets endOffsets =
        new AdminEndOffsets(admin, topics.edits(), Duration.ofMillis(Math.max(5_000, pollMs * 5)));
    CheckpointListener listener =
        new CheckpointListener() {
          @Override
          public void restored(Optional<CheckpointResult> checkpoint, List<QueueView> queues) {
            status.restored(checkpoint, queues);
          }

          @Override
          public void published(CheckpointResult result, Checkpoint record) {
            status.published(result, record);
            fileWriter.offer(
                CheckpointFile.Stored.of(
                    record.getTime(),
                    record.getComputedAt(),
                    result.heldBy() == null ? null : result.heldBy().toString(),
                    record.getRule(),
                    record.getQueues()),
                result.decreased());
          }

          @Override
          public void queuesChanged(Map<QueueKey, Optional<QueueView>> changes) {
            status.queuesChanged(changes);
          }
        };
    streams =
        new KafkaStreams(
            CheckpointTopology.build(
                topics,
                new SerdeFactory(config.registryUrl()),
                endOffsets,
                pollMs,
                config.marginMs(),
                listener,
                metrics),
            streamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("the checkpoint app's stream thread failed; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
    LOG.info(
        "checkpoint app {} started against {}",
        config.get(RewindConfig.CHECKPOINT_APPLICATION_ID),
        config.bootstrapServers());
  }

  Properties streamsProperties() {
    Properties p = new Properties();
    p.putAll(config.withPrefix("kafka."));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(RewindConfig.CHECKPOINT_APPLICATION_ID));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.get(RewindConfig.CHECKPOINT_STATE_DIR));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.getInt(RewindConfig.REPLICATION_FACTOR));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // After a crash the successor waits this long for the task: keep it short (the broker minimum
    // is 6 s).
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    // Skipping an undecodable record only withholds a claim or an archive range: C stays lower,
    // never wrong.
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    // Transactions v2 (Kafka 4.x): a transaction's first produce answers CONCURRENT_TRANSACTIONS
    // while
    // the previous commit's markers are still being written; the batch retries after
    // retry.backoff.ms
    // (100 ms by default, every commit interval under load) and batches already in flight behind it
    // fail with a retriable OutOfOrderSequenceException and back off too. No task is reset, but
    // each
    // occurrence delayed the checkpoint's commit by 100-500 ms. Retry sooner, one request at a
    // time.
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG),
        PRODUCER_RETRY_BACKOFF_MS);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
    p.putAll(config.withPrefix("streams."));
    return p;
  }

  /** The newest checkpoint computed (or restored), if any. */
  public Optional<CheckpointResult> latest() {
    return status.latest().map(CheckpointStatus.Latest::result);
  }

  /** The newest checkpoint with when it was computed, and the per-queue table. */
  public CheckpointStatus status() {
    return status;
  }

  public CheckpointMetrics metrics() {
    return metrics;
  }

  /**
   * The requests the app made to the object store (writing checkpoints/latest.json); none before
   * start and after close.
   */
  public synchronized StoreRequests storeRequests() {
    return store == null ? StoreRequests.NONE : store.requests();
  }

  /** How many computed checkpoints were lower than the previous one since start. */
  public long decreases() {
    return metrics.decreases();
  }

  /**
   * The app's Prometheus registry, served on {@code /metrics}: other meters (the status's) can be
   * bound to it.
   */
  public MeterRegistry meterRegistry() {
    return prometheus;
  }

  /**
   * Serves {@code handler} under {@code path} (a more specific path than the app's own) on the HTTP
   * endpoint, from its start on; the status page registers itself this way.
   */
  public synchronized void addRoute(String path, HttpHandler handler) {
    routes.put(path, handler);
    if (http != null) {
      http.route(path, handler);
    }
  }

  /** Where the HTTP endpoint listens, or empty when it is off or the app is not started. */
  public synchronized Optional<InetSocketAddress> httpAddress() {
    return http == null ? Optional.empty() : Optional.of(http.address());
  }

  /** The Streams app's state, or empty before start. */
  public Optional<KafkaStreams.State> state() {
    KafkaStreams s = streams;
    return s == null ? Optional.empty() : Optional.of(s.state());
  }

  @Override
  public synchronized void close() {
    boolean started = streams != null;
    if (streams != null) {
      // Leave the group, so a successor gets the task now instead of after the session timeout.
      streams.close(
          new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
      streams = null;
    }
    if (http != null) {
      http.close();
      http = null;
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
    if (fileWriter != null) {
      fileWriter.close();
      fileWriter = null;
    }
    if (store != null) {
      try {
        store.close();
      } catch (IOException e) {
        LOG.warn("cannot close the object store {}: {}", store, e.toString());
      }
      store = null;
    }
    if (started) {
      LOG.info("checkpoint app {} closed", config.get(RewindConfig.CHECKPOINT_APPLICATION_ID));
    }
  }
}
