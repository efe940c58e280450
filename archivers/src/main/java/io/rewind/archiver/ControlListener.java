package io.rewind.archiver;

import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.TableHistory;
import io.rewind.schemas.ControlEvent;
import io.rewind.schemas.RollAck;
import io.rewind.schemas.RollRequest;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.TableDescriptorFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver's view of the control plane, on its own thread with a group-less consumer:
 *
 * <ul>
 *   <li>{@code control}, read from its end as of start: roll requests are queued for the poll loop,
 *       which closes every open segment and answers with a {@link RollAck};
 *   <li>{@code tables} (compacted), read from its beginning: each table descriptor is kept in the
 *       store among the table's versions ({@link TableHistory}: a version the master observer
 *       recorded is there already) and as the table's newest descriptor, never over a newer one
 *       (idempotent; every archiver may do it).
 * </ul>
 */
final class ControlListener implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlListener.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RETRY_MS = 1000;

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final TopicPartition control;
  private final TopicPartition tables;
  private final Deserializer<ControlEvent> controlReader;
  private final Serializer<ControlEvent> controlWriter;
  private final Deserializer<TableDescriptor> tableReader;
  private final ObjectStore store;
  private final TableHistory history;

  /** Per table, the newest version kept (null: none), read once from the store. */
  private final Map<String, TableDescriptor> newestKept = new HashMap<>();

  private final ArchiverMetrics metrics;
  private final Queue<RollRequest> rollRequests = new ConcurrentLinkedQueue<>();
  private volatile boolean closing;

  /** Positions the consumer synchronously: a roll request sent after this returns is seen. */
  ControlListener(
      KafkaClients clients,
      String clientId,
      Producer<byte[], byte[]> producer,
      SerdeFactory serdes,
      ObjectStore store,
      ArchiverMetrics metrics) {
    Topics topics = clients.topics();
    this.producer = producer;
    this.control = new TopicPartition(topics.control(), 0);
    this.tables = new TopicPartition(topics.tables(), 0);
    this.controlReader = serdes.deserializer(ControlEvent.class);
    this.controlWriter = serdes.serializer(ControlEvent.class);
    this.tableReader = serdes.deserializer(TableDescriptor.class);
    this.store = store;
    this.history = new TableHistory(store);
    this.metrics = metrics;
    this.consumer = clients.consumer(clientId, null);
    try {
      consumer.assign(List.of(control, tables));
      consumer.seekToEnd(List.of(control));
      consumer.seekToBeginning(List.of(tables));
      consumer.position(control, Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** The next roll request not yet answered, if any. */
  Optional<RollRequest> nextRollRequest() {
    return Optional.ofNullable(rollRequests.poll());
  }

  /** Answers a roll request with the committed end offset of every partition this archiver owns. */
  void ack(RollRequest request, String archiverId, Map<String, Long> committedEnds)
      throws ExecutionException, InterruptedException, TimeoutException {
    RollAck ack =
        RollAck.newBuilder()
            .setRequestId(request.getRequestId())
            .setArchiver(archiverId)
            .setPartitions(committedEnds)
            .setAckedAt(System.currentTimeMillis())
            .build();
    byte[] value =
        controlWriter.serialize(control.topic(), ControlEvent.newBuilder().setBody(ack).build());
    producer
        .send(
            new ProducerRecord<>(
                control.topic(), request.getRequestId().getBytes(StandardCharsets.UTF_8), value))
        .get(60, TimeUnit.SECONDS);
  }

  void close() {
    closing = true;
  }

  /** Closes the consumer of a listener whose thread was never started. */
  void discard() {
    consumer.close(CloseOptions.timeout(Duration.ZERO));
  }

  @Override
  public void run() {
    try {
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> r : records.records(control)) {
          onControl(r);
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(tables)) {
          if (!onTable(r)) {
            consumer.seek(tables, r.offset());
            sleep(RETRY_MS);
            break;
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.error(
          "the control listener stopped: roll requests and table descriptors are no longer handled ({})",
          e.toString(),
          e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void onControl(ConsumerRecord<byte[], byte[]> r) {
    ControlEvent event;
    try {
      event = controlReader.deserialize(r.topic(), r.headers(), r.value());
    } catch (RuntimeException e) {
      LOG.warn(
          "{}-{}@{}: not a control event ({}); ignored",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      return;
    }
    if (event != null && event.getBody() instanceof RollRequest) {
      RollRequest request = (RollRequest) event.getBody();
      if (!request.getRoll()) {
        // A restore point's announcement: the queues answer it; the requester sends a roll once
        // they did.
        return;
      }
      LOG.info("roll request {} from '{}'", request.getRequestId(), request.getRequester());
      rollRequests.add(request);
    }
  }

  /** False when the store could not be written: the caller retries from this record. */
  private boolean onTable(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return true; // a tombstone: the table left the backup, its archived descriptor stays for
      // restores
    }
    TableDescriptor descriptor;
    try {
      descriptor = tableReader.deserialize(r.topic(), r.headers(), r.value());
    } catch (RuntimeException e) {
      LOG.warn(
          "{}-{}@{}: not a table descriptor ({}); ignored",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      return true;
    }
    try {
      keepVersion(descriptor);
      // Every start re-reads the topic: rewriting unchanged descriptors would only risk tearing a
      // good
      // file (a local store writes in place) if the archiver dies mid-write.
      if (storedUpdatedAt(descriptor.getTable()) >= descriptor.getUpdatedAt()) {
        return true;
      }
      TableDescriptorFile.write(store, descriptor);
      metrics.tablesArchived.incrementAndGet();
      LOG.debug("archived the descriptor of {}", descriptor.getTable());
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "cannot archive the descriptor of {} to {} ({}); retrying in {} ms",
          descriptor.getTable(),
          store,
          e.toString(),
          RETRY_MS);
      return false;
    }
  }

  /**
   * Keeps the version among the table's: a change always (written once, by its content, whoever
   * wrote it first), a reading (SEEN: every endpoint publishes one when it first ships the table)
   * only when it differs from the newest kept, so restarts and many region servers do not grow the
   * history.
   */
  private void keepVersion(TableDescriptor descriptor) throws IOException {
    String table = descriptor.getTable();
    if ("SEEN".equals(descriptor.getChange())) {
      if (!newestKept.containsKey(table)) {
        newestKept.put(table, history.newest(table).orElse(null));
      }
      TableDescriptor newest = newestKept.get(table);
      if (newest != null
          && newest.getUpdatedAt() <= descriptor.getUpdatedAt()
          && TableHistory.sameShape(newest, descriptor)) {
        return;
      }
    }
    history.write(descriptor);
    TableDescriptor newest = newestKept.get(table);
    if (newest == null || newest.getUpdatedAt() <= descriptor.getUpdatedAt()) {
      newestKept.put(table, descriptor);
    }
  }

  /** When the stored descriptor was read by its publisher; unreadable or absent counts as never. */
  private long storedUpdatedAt(String table) {
    try {
      return TableDescriptorFile.read(store, table)
          .map(TableDescriptor::getUpdatedAt)
          .orElse(Long.MIN_VALUE);
    } catch (IOException | RuntimeException e) {
      return Long.MIN_VALUE;
    }
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
    }
  }
}
