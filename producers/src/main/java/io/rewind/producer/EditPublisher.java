package io.rewind.producer;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.EditKey;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.kafka.Topics;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.schemas.serde.SerdeFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one publishing path into Kafka, shared by the fleet simulator and the HBase replication
 * endpoint: edits split per row (and per part for huge rows) and captured bulk loads to the edits
 * topic, progress claims to the progress topic, table descriptors to the tables topic. One
 * idempotent acks=all producer; every call returns only when Kafka acknowledged all of its records,
 * retrying with backoff while the broker is unreachable, then throwing {@link
 * PublishFailedException}. Thread-safe.
 */
public final class EditPublisher implements EditSink {

  private static final Logger LOG = LoggerFactory.getLogger(EditPublisher.class);
  private static final String SNAPSHOT_KEY = "snapshot";

  /** Linger of the publisher's producer unless producer.linger.ms is set (see the constructor). */
  static final int PUBLISH_LINGER_MS = 20;

  private final String publisherName;
  private final Clock clock;
  private final Options options;
  private final Topics topics;
  private final String bootstrapServers;
  private final ProgressClaims claims;
  private final EditSplitter splitter;
  private final Producer<byte[], byte[]> producer;
  private final Serializer<WalEdit> editSerializer;
  private final Serializer<ProgressEvent> progressSerializer;
  private final Serializer<TableDescriptor> tableSerializer;
  private final Serializer<BulkLoad> bulkLoadSerializer;
  private final byte[] editSchemaId;
  private final byte[] progressSchemaId;
  private final byte[] tableSchemaId;
  private final byte[] bulkLoadSchemaId;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param publisherName who publishes (server name or simulator id), carried in every progress
   *     event
   */
  public EditPublisher(RewindConfig config, String publisherName) {
    this(config, publisherName, Clock.systemUTC(), Options.defaults());
  }

  public EditPublisher(RewindConfig config, String publisherName, Clock clock, Options options) {
    this.publisherName = publisherName;
    this.clock = clock;
    this.options = options;
    KafkaClients clients = new KafkaClients(config);
    this.topics = clients.topics();
    this.bootstrapServers = config.bootstrapServers();
    this.claims = new ProgressClaims(config.marginMs());
    this.splitter = new EditSplitter(options.maxRecordBytes());
    Map<String, Object> props = clients.producerProps("rewind-publisher-" + publisherName);
    // One producer serves every replication source of the server, each waiting for its batch: a
    // longer
    // linger than the clients' 5 ms gathers their records into fewer, larger batches per partition
    // (per-batch costs dominate: a 64 KB lz4 buffer, the broker's validation) for at most 20 ms
    // more
    // per publish, well inside the RPO budget. producer.linger.ms still decides when set.
    if (!config.asMap().containsKey("producer." + ProducerConfig.LINGER_MS_CONFIG)) {
      props.put(ProducerConfig.LINGER_MS_CONFIG, PUBLISH_LINGER_MS);
    }
    this.producer = new KafkaProducer<>(props);
    SerdeFactory serdes = clients.serdes();
    this.editSerializer = serdes.serializer(WalEdit.class);
    this.progressSerializer = serdes.serializer(ProgressEvent.class);
    this.tableSerializer = serdes.serializer(TableDescriptor.class);
    this.bulkLoadSerializer = serdes.serializer(BulkLoad.class);
    this.editSchemaId = utf8(SchemaHistory.schemaId(WalEdit.getClassSchema()));
    this.progressSchemaId = utf8(SchemaHistory.schemaId(ProgressEvent.getClassSchema()));
    this.tableSchemaId = utf8(SchemaHistory.schemaId(TableDescriptor.getClassSchema()));
    this.bulkLoadSchemaId = utf8(SchemaHistory.schemaId(BulkLoad.getClassSchema()));
  }

  @Override
  public void publish(List<WalEntry> batch) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    String topic = topics.edits();
    for (WalEntry entry : batch) {
      byte[] table = utf8(entry.table());
      for (WalEdit edit : splitter.split(entry)) {
        byte[] row = new byte[edit.getRow().remaining()];
        edit.getRow().duplicate().get(row);
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(new RecordHeader(RecordHeaders.TABLE, table));
        headers.add(new RecordHeader(RecordHeaders.SCHEMA, editSchemaId));
        byte[] value = editSerializer.serialize(topic, headers, edit);
        records.add(
            new ProducerRecord<>(
                topic, null, entry.writeTime(), EditKey.of(entry.table(), row), value, headers));
      }
    }
    sendAll(records, "edits of " + batch.size() + " WAL entries");
  }

  @Override
  public void publishMarker(
      QueueId queue, long newestWriteTime, MarkerSource source, String reason) {
    Marker marker = claims.marker(queue, newestWriteTime, source, reason);
    sendProgress(
        utf8(queue.getServer() + "/" + queue.getWalGroup()),
        marker,
        "marker of queue " + queue.getServer() + "/" + queue.getWalGroup());
  }

  /**
   * Key {@code table 0x00} (no row: no edit has it), the table and the schema headers like an
   * edit's, and {@link RecordHeaders#KIND} {@code bulk-load}, so an archiver counts it under its
   * table and a restore tells it from the edits without decoding.
   */
  @Override
  public void publishBulkLoad(BulkLoad load) {
    String topic = topics.edits();
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(new RecordHeader(RecordHeaders.TABLE, utf8(load.getTable())));
    headers.add(new RecordHeader(RecordHeaders.SCHEMA, bulkLoadSchemaId));
    headers.add(new RecordHeader(RecordHeaders.KIND, utf8(RecordHeaders.KIND_BULK_LOAD)));
    byte[] value = bulkLoadSerializer.serialize(topic, headers, load);
    sendAll(
        List.of(
            new ProducerRecord<>(
                topic,
                null,
                load.getWriteTime(),
                EditKey.of(load.getTable(), new byte[0]),
                value,
                headers)),
        "bulk load into " + load.getTable() + " region " + load.getRegion());
  }

  @Override
  public int editsPartitions() {
    return producer.partitionsFor(topics.edits()).size();
  }

  @Override
  public void publishSnapshot(long readTime, List<ListedQueue> queues) {
    ClusterSnapshot snapshot = claims.snapshot(readTime, queues);
    sendProgress(utf8(SNAPSHOT_KEY), snapshot, "cluster snapshot of " + queues.size() + " queues");
  }

  @Override
  public void publishTable(TableDescriptor descriptor) {
    String topic = topics.tables();
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(new RecordHeader(RecordHeaders.TABLE, utf8(descriptor.getTable())));
    headers.add(new RecordHeader(RecordHeaders.SCHEMA, tableSchemaId));
    byte[] value = tableSerializer.serialize(topic, headers, descriptor);
    sendAll(
        List.of(
            new ProducerRecord<>(
                topic, null, clock.millis(), utf8(descriptor.getTable()), value, headers)),
        "descriptor of table " + descriptor.getTable());
  }

  @Override
  public long marginMs() {
    return claims.marginMs();
  }

  /** Who this publisher says it is in progress events. */
  public String publisherName() {
    return publisherName;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      producer.close(Duration.ofSeconds(10));
      editSerializer.close();
      progressSerializer.close();
      tableSerializer.close();
      bulkLoadSerializer.close();
    }
  }

  private void sendProgress(byte[] key, Object body, String what) {
    String topic = topics.progress();
    ProgressEvent event =
        ProgressEvent.newBuilder()
            .setPublisher(publisherName)
            .setSendTime(clock.millis())
            .setBody(body)
            .build();
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(new RecordHeader(RecordHeaders.SCHEMA, progressSchemaId));
    byte[] value = progressSerializer.serialize(topic, headers, event);
    // The progress topic stamps LogAppendTime: no producer timestamp.
    sendAll(List.of(new ProducerRecord<>(topic, null, null, key, value, headers)), what);
  }

  /**
   * Sends every record and waits for all acknowledgements, retrying only the records that failed
   * retriably.
   */
  private void sendAll(List<ProducerRecord<byte[], byte[]>> records, String what) {
    if (closed.get()) {
      throw new IllegalStateException(
          "publisher " + publisherName + " is closed: cannot publish " + what);
    }
    List<ProducerRecord<byte[], byte[]>> pending = records;
    Throwable lastFailure = null;
    for (int attempt = 1; attempt <= options.attempts(); attempt++) {
      List<ProducerRecord<byte[], byte[]>> failed = new ArrayList<>();
      lastFailure = sendAndWait(pending, failed, what);
      if (failed.isEmpty()) {
        return;
      }
      if (attempt < options.attempts()) {
        long backoff = options.backoff().toMillis() << Math.min(attempt - 1, 10);
        LOG.warn(
            "Kafka at {} did not acknowledge {} of {} records ({}), attempt {} of {}: {}; retrying in {} ms",
            bootstrapServers,
            failed.size(),
            records.size(),
            what,
            attempt,
            options.attempts(),
            lastFailure.toString(),
            backoff);
        sleep(backoff, what);
      }
      pending = failed;
    }
    throw new PublishFailedException(
        "Kafka at "
            + bootstrapServers
            + " did not acknowledge "
            + pending.size()
            + " of "
            + records.size()
            + " records ("
            + what
            + ") after "
            + options.attempts()
            + " attempts, last error: "
            + lastFailure
            + ". Check that the brokers are running and reachable from this host and that the Rewind topics exist"
            + " (rewind init); the batch was not acknowledged and must be retried",
        lastFailure);
  }

  /**
   * One attempt; fills {@code failed} with what must be retried and returns the last retriable
   * error.
   */
  private Throwable sendAndWait(
      List<ProducerRecord<byte[], byte[]>> records,
      List<ProducerRecord<byte[], byte[]>> failed,
      String what) {
    List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
    Throwable lastFailure = null;
    for (ProducerRecord<byte[], byte[]> record : records) {
      Future<RecordMetadata> f;
      try {
        f = producer.send(record);
      } catch (KafkaException e) {
        lastFailure = classify(e, what);
        break;
      }
      futures.add(f);
      // A future done right after send failed inside the client (no metadata within max.block.ms):
      // the broker is unreachable, so do not block once more for every remaining record.
      if (f.isDone() && failure(f) != null) {
        break;
      }
    }
    for (int i = 0; i < futures.size(); i++) {
      Throwable t = failure(futures.get(i));
      if (t != null) {
        lastFailure = classify(t, what);
        failed.add(records.get(i));
      }
    }
    // Records never handed to the client go to the next attempt as they are.
    failed.addAll(records.subList(futures.size(), records.size()));
    return lastFailure;
  }

  /** Waits for the future; null when acknowledged, else its cause. */
  private Throwable failure(Future<RecordMetadata> f) {
    try {
      f.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishFailedException(
          "interrupted while waiting for Kafka at "
              + bootstrapServers
              + " to acknowledge: nothing may be assumed durable",
          e);
    }
  }

  /** Retriable errors are returned for another attempt; anything else fails the call at once. */
  private Throwable classify(Throwable t, String what) {
    if (t instanceof RetriableException) {
      return t;
    }
    throw new PublishFailedException(
        "Kafka at "
            + bootstrapServers
            + " rejected "
            + what
            + ": "
            + t
            + ". This is not a transient error (check topic settings such as max.message.bytes, authorization, and that the Rewind topics exist)",
        t);
  }

  private void sleep(long ms, String what) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishFailedException(
          "interrupted while retrying " + what + ": nothing may be assumed durable", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Tuning of the publisher; the defaults suit production. */
  public static final class Options {
    private final int maxRecordBytes;
    private final int attempts;
    private final Duration backoff;

    private Options(int maxRecordBytes, int attempts, Duration backoff) {
      this.maxRecordBytes = maxRecordBytes;
      this.attempts = attempts;
      this.backoff = backoff;
    }

    /**
     * 16 MiB records (the edits topic's max.message.bytes), 3 attempts, 1 s first backoff
     * (doubling). Each attempt already lets the client retry for up to delivery.timeout.ms.
     */
    public static Options defaults() {
      return new Options(Topics.EDITS_MAX_MESSAGE_BYTES, 3, Duration.ofSeconds(1));
    }

    /**
     * Records larger than this (headroom included) are split; at most the edits topic's
     * max.message.bytes.
     */
    public Options maxRecordBytes(int bytes) {
      if (bytes > Topics.EDITS_MAX_MESSAGE_BYTES) {
        throw new IllegalArgumentException(
            "max record bytes "
                + bytes
                + " exceeds the edits topic's limit "
                + Topics.EDITS_MAX_MESSAGE_BYTES);
      }
      return new Options(bytes, attempts, backoff);
    }

    /**
     * Attempts per call when Kafka does not acknowledge (each attempt waits up to
     * delivery.timeout.ms).
     */
    public Options attempts(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("attempts must be >= 1, got " + n);
      }
      return new Options(maxRecordBytes, n, backoff);
    }

    /** Pause before the second attempt; doubled before each further one. */
    public Options backoff(Duration d) {
      return new Options(maxRecordBytes, attempts, d);
    }

    public int maxRecordBytes() {
      return maxRecordBytes;
    }

    public int attempts() {
      return attempts;
    }

    public Duration backoff() {
      return backoff;
    }
  }
}
