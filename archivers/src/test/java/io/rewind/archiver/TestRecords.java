package io.rewind.archiver;

import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Edits-topic records as producers write them, for unit tests. */
final class TestRecords {

  static final String TOPIC = "rewind.edits";
  static final String WAL_EDIT_SCHEMA = SchemaHistory.schemaId(WalEdit.getClassSchema());

  private TestRecords() {}

  static ConsumerRecord<byte[], byte[]> edit(
      int partition, long offset, long timestamp, String table, int valueBytes) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        new RecordHeader(
            io.rewind.client.kafka.RecordHeaders.TABLE, table.getBytes(StandardCharsets.UTF_8)));
    headers.add(
        new RecordHeader(
            io.rewind.client.kafka.RecordHeaders.SCHEMA,
            WAL_EDIT_SCHEMA.getBytes(StandardCharsets.UTF_8)));
    return record(partition, offset, timestamp, headers, new byte[valueBytes]);
  }

  static ConsumerRecord<byte[], byte[]> record(
      int partition, long offset, long timestamp, Headers headers, byte[] value) {
    byte[] key = ("key-" + offset).getBytes(StandardCharsets.UTF_8);
    return new ConsumerRecord<>(
        TOPIC,
        partition,
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        key.length,
        value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  static ConsumerRecord<byte[], byte[]> withoutHeaders(int partition, long offset, long timestamp) {
    return record(
        partition,
        offset,
        timestamp,
        new RecordHeaders(),
        "poison".getBytes(StandardCharsets.UTF_8));
  }
}
