package io.rewind.archiver;

import io.rewind.client.kafka.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Copies a record that failed validation to the dead-letter topic, key, value and headers
 * unchanged, with the reason, its origin and its timestamp in headers. The original is archived all
 * the same: nothing consumed is dropped.
 */
public final class DeadLetterPublisher {

  private final Producer<byte[], byte[]> producer;
  private final String topic;

  public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** Where a record lives, as the source header says it: topic-partition@offset. */
  public static String source(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  public Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, String reason) {
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    for (Header h : record.headers()) {
      headers.add(h);
    }
    headers.add(RecordHeaders.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
    headers.add(RecordHeaders.DLQ_SOURCE, source(record).getBytes(StandardCharsets.UTF_8));
    headers.add(
        RecordHeaders.DLQ_TIMESTAMP,
        Long.toString(record.timestamp()).getBytes(StandardCharsets.UTF_8));
    // Stamped now, the original's time in a header: retention keeps the copy for as long from when
    // it
    // was made, even when the archiver ran far behind the record's write time.
    return producer.send(
        new ProducerRecord<>(topic, null, null, record.key(), record.value(), headers));
  }
}
