package io.rewind.checkpoint;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.schemas.ArchivedSegment;
import io.rewind.schemas.ProgressEvent;
import io.rewind.schemas.serde.SerdeFactory;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two replication queues shipping edits in real time, with true claims: every {@link #STEP_MS} ms
 * each queue ships an edit written now to the edits topic and then a marker; every 300 ms a cluster
 * snapshot lists both queues with the start of their current WAL (rolled every 2 s); every 500 ms
 * an "archiver" reports the segments up to what was written. The checkpoint app sees the same
 * records as from the fleet and the archivers.
 */
final class ProgressFeeder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressFeeder.class);

  static final QueueKey RS1 = new QueueKey("rs1,16020,1", "rs1%2C16020%2C1");
  static final QueueKey RS2 = new QueueKey("rs2,16020,1", "rs2%2C16020%2C1");
  static final long STEP_MS = 50;
  private static final long WAL_ROLL_MS = 2_000;

  private final long marginMs;
  private final Topics topics;
  private final SerdeFactory serdes = new SerdeFactory(null);
  private final KafkaProducer<byte[], byte[]> producer;
  private final int partitions;
  private final Thread thread;
  private volatile boolean stop;

  ProgressFeeder(RewindConfig config) {
    this.marginMs = config.marginMs();
    this.topics = new Topics(config.topicPrefix());
    this.partitions = config.getInt(RewindConfig.EDITS_PARTITIONS);
    this.producer = new KafkaClients(config).producer("progress-feeder");
    this.thread = new Thread(this::run, "progress-feeder");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long[] end = new long[partitions];
    long[] archived = new long[partitions];
    try {
      for (long step = 0; !stop; step++) {
        long now = System.currentTimeMillis();
        long walStart = now - now % WAL_ROLL_MS;
        for (QueueKey q : new QueueKey[] {RS1, RS2}) {
          int p = (int) ((step + q.hashCode()) & Integer.MAX_VALUE) % partitions;
          RecordMetadata m =
              producer
                  .send(
                      new ProducerRecord<>(
                          topics.edits(), p, now, (q + "#" + step).getBytes(), new byte[] {1}))
                  .get();
          end[p] = Math.max(end[p], m.offset() + 1);
          send(topics.progress(), ProgressRecords.marker(q, now, marginMs));
        }
        if (step % 6 == 0) {
          send(
              topics.progress(),
              ProgressRecords.snapshot(now, marginMs, RS1, walStart, RS2, walStart));
        }
        if (step % 10 == 0) {
          for (int p = 0; p < partitions; p++) {
            if (end[p] > archived[p]) {
              ArchivedSegment s = ProgressRecords.archived(p, archived[p], end[p]);
              producer
                  .send(
                      new ProducerRecord<>(
                          topics.archived(),
                          serdes.serializer(ArchivedSegment.class).serialize(topics.archived(), s)))
                  .get();
              archived[p] = end[p];
            }
          }
        }
        Thread.sleep(STEP_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      LOG.error("the progress feeder stopped: {}", e.toString(), e);
    }
  }

  private void send(String topic, ProgressEvent e) throws ExecutionException, InterruptedException {
    producer
        .send(
            new ProducerRecord<>(topic, serdes.serializer(ProgressEvent.class).serialize(topic, e)))
        .get();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
    producer.close();
  }
}
