package io.rewind.producer;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.schemas.ControlEvent;
import io.rewind.schemas.RollRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore-point requests from the control topic, handed to whoever ships queues (the simulator, the
 * HBase endpoint) on a thread of their own. The answer goes out on the progress topic like every
 * claim; nothing here replies to the requester or waits for it (a worker that calls back into a
 * coordinator waiting on it turns a barrier into a timeout).
 */
public final class PointRequests implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PointRequests.class);

  private static final long RETRY_MS = 5_000;

  private final TopicPartition control;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<ControlEvent> reader;
  private final Consumer<RollRequest> onPoint;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * Starts listening from the control topic's end, on a thread of its own: a missing topic or an
   * unreachable broker delays the listener (it keeps trying), never its owner's start.
   *
   * @param onPoint called with each restore-point request (pointName set), on this listener's
   *     thread
   */
  public PointRequests(RewindConfig config, String clientId, Consumer<RollRequest> onPoint) {
    KafkaClients clients = new KafkaClients(config);
    this.control = new TopicPartition(clients.topics().control(), 0);
    this.consumer = clients.consumer(clientId, null);
    this.reader = clients.serdes().deserializer(ControlEvent.class);
    this.onPoint = onPoint;
    this.thread = new Thread(this::run, "rewind-point-requests-" + clientId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Positions at the topic's end, trying again every few seconds until it can. */
  private void position() throws InterruptedException {
    boolean warned = false;
    while (!closed) {
      try {
        consumer.assign(List.of(control));
        consumer.seekToEnd(List.of(control));
        consumer.position(control, Duration.ofSeconds(10));
        return;
      } catch (WakeupException | InterruptException e) {
        throw e;
      } catch (RuntimeException e) {
        if (!warned) {
          LOG.warn(
              "cannot follow {} for restore-point requests ({}); trying again every {} ms (points are answered by the regular"
                  + " claims meanwhile; create the topic with rewind init)",
              control,
              e.toString(),
              RETRY_MS);
          warned = true;
        }
        Thread.sleep(RETRY_MS);
      }
    }
  }

  private void run() {
    try {
      position();
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          RollRequest request = pointRequest(r);
          if (request != null) {
            LOG.info(
                "restore point {} requested by '{}' for {}: claiming past it",
                request.getPointName(),
                request.getRequester(),
                request.getPointTime());
            try {
              onPoint.accept(request);
            } catch (RuntimeException e) {
              LOG.warn(
                  "answering restore point {} failed ({}): the regular claims answer it later",
                  request.getPointName(),
                  e.toString());
            }
          }
        }
      }
    } catch (WakeupException | InterruptException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error(
          "the restore-point listener stopped: points are answered by the regular claims only ({})",
          e.toString(),
          e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private RollRequest pointRequest(ConsumerRecord<byte[], byte[]> r) {
    try {
      ControlEvent event = reader.deserialize(r.topic(), r.headers(), r.value());
      if (event != null
          && event.getBody() instanceof RollRequest
          && ((RollRequest) event.getBody()).getPointName() != null) {
        return (RollRequest) event.getBody();
      }
    } catch (RuntimeException e) {
      LOG.debug(
          "{}-{}@{}: not a control event ({})",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
