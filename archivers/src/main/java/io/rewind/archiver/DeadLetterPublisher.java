package io.rewind.archiver;

import io.rewind.core.kafka.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Copies a record that failed validation to the dead-letter topic, unchanged, with the reason and
 * its origin in headers. The original is archived all the same: nothing consumed is dropped.
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
    return producer.send(new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value(), headers));
  }
}
