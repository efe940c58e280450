package io.rewind.client.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Header names on the edits topic: archivers read these and never the value. */
public final class RecordHeaders {

  /** The edit's table, namespace:qualifier, UTF-8. */
  public static final String TABLE = "rewind.table";

  /** The writer schema id: 16 hex digits of the schema's CRC-64-AVRO fingerprint. */
  public static final String SCHEMA = "rewind.schema";

  /**
   * What a record of the edits topic is when it is not a WAL edit: {@link #KIND_BULK_LOAD}. Absent
   * on edits.
   */
  public static final String KIND = "rewind.kind";

  /** A {@code BulkLoad} record: files bulk-loaded into a region, already copied into the store. */
  public static final String KIND_BULK_LOAD = "bulk-load";

  /** On dead-letter copies: why the record failed validation. */
  public static final String DLQ_REASON = "rewind.dlq.reason";

  /** On dead-letter copies: where the original lives (topic-partition@offset). */
  public static final String DLQ_SOURCE = "rewind.dlq.source";

  /** The original record's timestamp (its WAL write time), epoch millis, on a dead-letter copy. */
  public static final String DLQ_TIMESTAMP = "rewind.dlq.timestamp";

  private RecordHeaders() {}

  /** The last value of a header as UTF-8, or null when absent. */
  public static String lastString(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
