package io.rewind.archiver;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.ManifestStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One archiver: a member of the archiver consumer group over the edits topic, writing segments and
 * manifests to the object store (see {@link ArchiverLoop} for the commit protocol), plus a listener
 * for roll requests and table descriptors. Runs between {@link #start()} and {@link #close()} on
 * two threads of its own (the poll loop and the control listener) plus at most {@code
 * archiver.worker.threads} workers that compress segment blocks and write segments.
 */
public final class Archiver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);
  private static final long JOIN_TIMEOUT_MS = 60_000;

  private final ArchiverSettings settings;
  private final String archiverId;
  private final ArchiverMetrics metrics = new ArchiverMetrics();
  private final ConcurrentMap<Integer, Long> committedEnds = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, RuntimeException> stopped = new ConcurrentHashMap<>();

  private ObjectStore store;
  private KafkaProducer<byte[], byte[]> producer;
  private ControlListener control;
  private ArchiverLoop loop;
  private Thread loopThread;
  private Thread controlThread;
  private ExecutorService workers;
  private ProtocolHook hook = ProtocolHook.fromSystemProperties();
  private volatile Throwable failure;
  private boolean closed;

  public Archiver(RewindConfig config, String archiverId) {
    this(new ArchiverSettings(config), archiverId);
  }

  public Archiver(ArchiverSettings settings, String archiverId) {
    if (archiverId == null || archiverId.isBlank()) {
      throw new RewindException(
          Kind.REFUSED,
          "an archiver needs an id (host name or instance name), got '" + archiverId + "'");
    }
    this.settings = settings;
    this.archiverId = archiverId;
  }

  /**
   * Opens the store and the Kafka clients and starts archiving. Returns once the control listener
   * is positioned: a roll request sent after this is answered.
   */
  public synchronized void start() throws IOException {
    if (loopThread != null || closed) {
      throw new IllegalStateException("archiver " + archiverId + " was already started");
    }
    store = ObjectStore.open(settings.storeUri(), settings.storeHadoopConf());
    try {
      store.checkReachable();
      KafkaClients clients = new KafkaClients(settings.config());
      SerdeFactory serdes = new SerdeFactory(settings.registryUrl());
      String clientId = "rewind-archiver-" + archiverId;
      producer = clients.producer(clientId);
      control =
          new ControlListener(clients, clientId + "-control", producer, serdes, store, metrics);
      Map<String, Object> consumerProps = clients.consumerProps(clientId, settings.groupId());
      // Never reset silently: an out-of-range position is data loss or truncation, named by the
      // loop.
      consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps);
      String topic = settings.topics().archived();
      workers =
          Executors.newFixedThreadPool(settings.workerThreads(), new WorkerThreads(archiverId));
      loop =
          new ArchiverLoop(
              settings,
              archiverId,
              consumer,
              new ManifestStore(store),
              new SegmentCommitter(
                  store,
                  archiverId,
                  System::currentTimeMillis,
                  settings.segmentKey().orElse(null),
                  new UploadThrottle(settings.uploadBytesPerSecond()),
                  hook),
              new ArchivedPublisher(producer, topic, serdes.serializer(ArchivedSegment.class)),
              new DeadLetterPublisher(producer, settings.topics().dlq()),
              RecordValidator.ofReleasedSchemas(),
              control,
              metrics,
              System::currentTimeMillis,
              committedEnds,
              stopped,
              workers,
              hook);
    } catch (IOException | RuntimeException e) {
      if (control != null) {
        control.discard();
      }
      closeResources();
      throw e;
    }
    loopThread = new Thread(this::runLoop, "rewind-archiver-" + archiverId);
    controlThread = new Thread(control, "rewind-archiver-" + archiverId + "-control");
    controlThread.setDaemon(true);
    loopThread.start();
    controlThread.start();
    LOG.info(
        "archiver {} started: {} -> {} (codec {}, roll at {} bytes or {} ms)",
        archiverId,
        settings.topics().edits(),
        store,
        settings.codec(),
        settings.segmentMaxBytes(),
        settings.segmentMaxAgeMs());
  }

  /** Test-only: a hook called at each point of the commit protocol; set before {@link #start()}. */
  synchronized void protocolHook(ProtocolHook hook) {
    this.hook = hook;
  }

  /**
   * The requests this archiver made to the object store (docs/operations.md, "Requests"); none
   * before start.
   */
  public StoreRequests storeRequests() {
    ObjectStore s = store;
    return s == null ? StoreRequests.NONE : s.requests();
  }

  /** The open store, for tests that read its I/O statistics; null before start. */
  ObjectStore store() {
    return store;
  }

  private void runLoop() {
    try {
      loop.run();
    } catch (Throwable t) {
      failure = t;
    }
  }

  public String id() {
    return archiverId;
  }

  public ArchiverSettings settings() {
    return settings;
  }

  public ArchiverMetrics metrics() {
    return metrics;
  }

  /**
   * Per partition, the end (exclusive) of the archive as this archiver knows it: the highest end it
   * committed or found in the store's manifest chain. Partitions it never owned are absent.
   */
  public Map<Integer, Long> committedEnds() {
    return new TreeMap<>(committedEnds);
  }

  /** Partitions stopped for data loss or log truncation, with the reason. */
  public Map<Integer, RuntimeException> stoppedPartitions() {
    return new TreeMap<>(stopped);
  }

  /** The error that ended the poll loop, if it ended on one. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public boolean isRunning() {
    Thread t = loopThread;
    return t != null && t.isAlive();
  }

  /**
   * Waits until, for every given partition, this archiver committed (or found in the store) a
   * segment chain ending at or beyond the given offset.
   *
   * @return false on timeout or when the archiver stopped first
   */
  public boolean awaitCommitted(Map<Integer, Long> endOffsets, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean done = true;
      for (Map.Entry<Integer, Long> e : endOffsets.entrySet()) {
        if (committedEnds.getOrDefault(e.getKey(), -1L) < e.getValue()) {
          done = false;
          break;
        }
      }
      if (done) {
        return true;
      }
      if (System.nanoTime() > deadline || !isRunning()) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  /**
   * Rolls and commits the open segments, leaves the group and closes every client and the store.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (loop != null) {
      loop.close();
    }
    join(loopThread);
    if (control != null) {
      control.close();
    }
    join(controlThread);
    closeResources();
    LOG.info("archiver {} closed: {}", archiverId, metrics);
  }

  private void join(Thread t) {
    if (t == null) {
      return;
    }
    try {
      t.join(JOIN_TIMEOUT_MS);
      if (t.isAlive()) {
        LOG.warn("{} did not stop within {} ms", t.getName(), JOIN_TIMEOUT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeResources() {
    if (workers != null) {
      workers.shutdownNow();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
    if (store != null) {
      try {
        store.close();
      } catch (IOException e) {
        LOG.warn("cannot close store {}: {}", store, e.toString());
      }
    }
  }

  /**
   * Names the worker threads after their archiver; daemons, so a stuck upload never holds the JVM.
   */
  private static final class WorkerThreads implements ThreadFactory {
    private final String archiverId;
    private final AtomicInteger count = new AtomicInteger();

    WorkerThreads(String archiverId) {
      this.archiverId = archiverId;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t =
          new Thread(r, "rewind-archiver-" + archiverId + "-worker-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
