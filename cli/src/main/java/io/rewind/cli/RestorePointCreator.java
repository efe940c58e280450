package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.ControlEvent;
import io.rewind.schemas.Marker;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.RollRequest;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.TableDescriptorFile;
import io.rewind.store.lease.PinHandle;
import io.rewind.store.lease.Pins;
import io.rewind.store.point.RestorePoint;
import io.rewind.store.point.RestorePoints;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a named restore point: under the lease on its name, announces T on the control topic
 * (every shipping queue then claims past it on the progress topic, on its own), watches the claims
 * come in, asks the archivers to roll once every listed queue claimed, and commits the point to the
 * store once the checkpoint is at or after T. The requester waits; no worker ever waits for it: a
 * requester that dies or is paused leaves nothing stuck, only a point never committed.
 */
public final class RestorePointCreator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RestorePointCreator.class);

  /**
   * How often the store's checkpoint is read while waiting: the point's latency is at most this
   * more.
   */
  public static final long CHECKPOINT_POLL_MS = 20;

  private final RewindConfig config;
  private final ObjectStore store;
  private final KafkaClients clients;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> progress;
  private final TopicPartition progressTopic;
  private final Serializer<ControlEvent> controlWriter;
  private final Deserializer<ProgressEvent> progressReader;
  private final String requester;

  public RestorePointCreator(RewindConfig config, ObjectStore store) throws IOException {
    this.config = config;
    this.store = store;
    this.clients = new KafkaClients(config);
    this.requester = InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
    this.producer = clients.producer("rewind-restore-point");
    this.progress = clients.consumer("rewind-restore-point-progress", null);
    this.progressTopic = new TopicPartition(clients.topics().progress(), 0);
    this.controlWriter = clients.serdes().serializer(ControlEvent.class);
    this.progressReader = clients.serdes().deserializer(ProgressEvent.class);
  }

  /**
   * What a creation did: the point and how it got there. Field names are the JSON of {@code rewind
   * restore-point create --json}.
   */
  public static final class Result {
    public RestorePoint point;

    /** From the request to the committed point. */
    public long latencyMs;

    /** Whether the archivers were asked to roll (once every listed queue had claimed past T). */
    public boolean rollRequested;

    /** From the request to the moment every listed queue had claimed past T, or -1. */
    public long answeredMs = -1;
  }

  /**
   * @throws IllegalArgumentException when the name is taken or a table unknown
   * @throws RestorePointTimeoutException naming what holds the checkpoint back when it did not pass
   *     T in time
   */
  public Result create(String name, List<String> tables, Duration timeout) throws Exception {
    RestorePoints points = new RestorePoints(store);
    RestorePoints.checkName(name);
    LeaseSettings leaseSettings = LeaseSettings.from(config);
    checkTables(tables);
    try (Lease lease =
            new Leases(store, leaseSettings, System::currentTimeMillis)
                .acquire("restore-point", List.of(LeaseResources.restorePoint(name)));
        PinHandle pin =
            new Pins(store, leaseSettings, System::currentTimeMillis)
                .pinEverything("restore point " + name, tables.isEmpty() ? null : tables)) {
      Optional<RestorePoint> existing = points.read(name);
      if (existing.isPresent()) {
        throw new RewindException(
            Kind.REFUSED,
            "restore point "
                + name
                + " exists ("
                + TimeParser.format(existing.get().time)
                + "): pick another"
                + " name, or delete it first with rewind restore-point delete --name "
                + name);
      }
      progress.assign(List.of(progressTopic));
      progress.seekToEnd(List.of(progressTopic));
      progress.position(progressTopic, Duration.ofSeconds(30));

      long time = System.currentTimeMillis();
      String requestId = UUID.randomUUID().toString();
      send(RollRequest.newBuilder()
              .setRequestId(requestId)
              .setRequestedAt(time)
              .setRequester(requester)
              .setPointName(name)
              .setPointTime(time)
              .setTables(tables)
              .setRoll(false)
              .build())
          .get(30, TimeUnit.SECONDS);
      LOG.info(
          "restore point {} at {} requested ({}): waiting for the checkpoint to pass it",
          name,
          TimeParser.format(time),
          requestId);

      Result result = new Result();
      PointAnswers answers = new PointAnswers(time, config.marginMs());
      long pollMs = config.getLong(RewindConfig.CHECKPOINT_POLL_MS);
      long deadline = time + timeout.toMillis();
      long rollAt = Long.MAX_VALUE;
      long nextCheckpointRead = 0;
      long checkpoint = Long.MIN_VALUE;
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : progress.poll(Duration.ofMillis(10))) {
          feed(answers, r);
        }
        long now = System.currentTimeMillis();
        if (result.answeredMs < 0 && answers.complete()) {
          result.answeredMs = now - time;
          // After the checkpoint app's next end-offset poll, so the roll commits what that poll
          // saw.
          rollAt = now + pollMs;
        }
        if (!result.rollRequested && now >= rollAt) {
          send(
              RollRequest.newBuilder()
                  .setRequestId(requestId + "-roll")
                  .setRequestedAt(now)
                  .setRequester(requester)
                  .build());
          result.rollRequested = true;
        }
        if (now >= nextCheckpointRead) {
          checkpoint = CheckpointFile.read(store).map(c -> c.time).orElse(Long.MIN_VALUE);
          if (checkpoint >= time) {
            break;
          }
          nextCheckpointRead = now + CHECKPOINT_POLL_MS;
        }
        if (now >= deadline) {
          throw timedOut(name, time, timeout, answers);
        }
      }
      lease.confirm();
      RestorePoint point = new RestorePoint();
      point.name = name;
      point.time = time;
      point.timeIso = TimeParser.format(time);
      point.tables = new ArrayList<>(tables);
      point.requestId = requestId;
      point.requestedAt = time;
      point.checkpointAtCompletion = checkpoint;
      point.checkpointAtCompletionIso = TimeParser.format(checkpoint);
      point.queues = answers.queues();
      point.queuesAnswered = answers.answered();
      point.host = InetAddress.getLocalHost().getHostName();
      point.pid = ProcessHandle.current().pid();
      point.leaseEpoch = lease.epoch();
      point.completedAt = System.currentTimeMillis();
      if (!points.commit(point)) {
        throw new RewindException(
            Kind.REFUSED,
            "restore point "
                + name
                + " was committed meanwhile by another requester: pick another name");
      }
      result.latencyMs = System.currentTimeMillis() - time;
      result.point = point;
      LOG.info(
          "restore point {} at {} committed after {} ms (checkpoint {})",
          name,
          point.timeIso,
          result.latencyMs,
          point.checkpointAtCompletionIso);
      return result;
    }
  }

  private void checkTables(List<String> tables) throws IOException {
    if (tables.isEmpty()) {
      return;
    }
    Set<String> known = new TreeSet<>();
    TableDescriptorFile.readAll(store).forEach(d -> known.add(d.getTable()));
    for (String t : tables) {
      if (!known.contains(t)) {
        throw new RewindException(
            Kind.REFUSED,
            "table "
                + t
                + " is not backed up in "
                + store
                + " (no descriptor under tables/): its tables are "
                + (known.isEmpty() ? "none yet" : String.join(", ", known)));
      }
    }
  }

  private void feed(PointAnswers answers, ConsumerRecord<byte[], byte[]> r) {
    ProgressEvent event;
    try {
      event = progressReader.deserialize(r.topic(), r.headers(), r.value());
    } catch (RuntimeException e) {
      LOG.debug("{}@{}: not a progress event ({})", r.topic(), r.offset(), e.getMessage());
      return;
    }
    if (event.getBody() instanceof Marker) {
      answers.marker((Marker) event.getBody());
    } else if (event.getBody() instanceof ClusterSnapshot) {
      answers.snapshot((ClusterSnapshot) event.getBody());
    }
  }

  private RestorePointTimeoutException timedOut(
      String name, long time, Duration timeout, PointAnswers answers) throws IOException {
    Optional<CheckpointFile.Stored> c = CheckpointFile.read(store);
    String held =
        c.map(
                s ->
                    "the checkpoint is "
                        + s.timeIso
                        + (s.heldBy == null
                            ? ""
                            : ", held back by queue "
                                + s.heldBy
                                + (s.rule == null ? "" : " (" + s.rule + ")")))
            .orElse("no checkpoint has been published");
    List<String> waiting = answers.waitingFor();
    String queues =
        !answers.snapshotSeen()
            ? "no cluster snapshot read after the point's time plus the margin came in (is an endpoint or simulator publishing them?)"
            : waiting.isEmpty()
                ? "every listed queue claimed past it, so the archive is behind (check the archivers' lag in rewind status)"
                : "queues that have not claimed past it: "
                    + String.join(", ", waiting.subList(0, Math.min(10, waiting.size())))
                    + (waiting.size() > 10 ? " and " + (waiting.size() - 10) + " more" : "");
    return new RestorePointTimeoutException(
        "restore point "
            + name
            + " at "
            + TimeParser.format(time)
            + " was not created: the checkpoint"
            + " did not reach it within "
            + timeout.toSeconds()
            + " s; "
            + held
            + "; "
            + queues
            + ". A dead server's queue holds it until"
            + " another server claims and ships it (rewind status shows the queue); create the point again with a longer --timeout");
  }

  private Future<RecordMetadata> send(RollRequest request) {
    String topic = clients.topics().control();
    byte[] value =
        controlWriter.serialize(topic, ControlEvent.newBuilder().setBody(request).build());
    return producer.send(
        new ProducerRecord<>(
            topic, request.getRequestId().getBytes(StandardCharsets.UTF_8), value));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    progress.close(Duration.ofSeconds(5));
  }

  /** The checkpoint did not pass the point's time in time: the message names what holds it back. */
  static final class RestorePointTimeoutException extends IOException {
    RestorePointTimeoutException(String message) {
      super(message);
    }
  }
}
