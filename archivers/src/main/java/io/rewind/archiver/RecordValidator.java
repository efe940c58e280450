package io.rewind.archiver;

import io.rewind.client.kafka.RecordHeaders;
import io.rewind.schemas.serde.SchemaHistory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Checks an edits record from its headers only (archivers never decode values): it must name its
 * table and a writer schema this version of Rewind knows. A record that fails is still archived as
 * it is; the reason goes with its dead-letter copy. Used by one thread (the poll loop).
 */
public final class RecordValidator {

  private final Set<String> knownSchemaIds;
  private byte[] lastKnownSchema;

  public RecordValidator(Set<String> knownSchemaIds) {
    this.knownSchemaIds = Set.copyOf(knownSchemaIds);
  }

  /** Accepts every schema id of {@link SchemaHistory}, as 16 lower-case hex digits. */
  public static RecordValidator ofReleasedSchemas() {
    return new RecordValidator(
        SchemaHistory.get().knownFingerprints().stream()
            .map(f -> String.format(Locale.ROOT, "%016x", f))
            .collect(Collectors.toSet()));
  }

  /** What is wrong with the record and how to fix it, or null when it is valid. */
  public String problem(Headers headers) {
    Header tableHeader = headers.lastHeader(RecordHeaders.TABLE);
    Header schemaHeader = headers.lastHeader(RecordHeaders.SCHEMA);
    // The common case, checked without decoding: a table, and the schema id the last valid record
    // had.
    if (tableHeader != null
        && tableHeader.value() != null
        && tableHeader.value().length > 0
        && schemaHeader != null
        && Arrays.equals(schemaHeader.value(), lastKnownSchema)) {
      return null;
    }
    String table = RecordHeaders.lastString(headers, RecordHeaders.TABLE);
    String schema = RecordHeaders.lastString(headers, RecordHeaders.SCHEMA);
    if (table == null || table.isEmpty()) {
      return "missing header "
          + RecordHeaders.TABLE
          + ": every edit must name its table; fix the producer (publish edits through Rewind's KafkaBackupEndpoint)";
    }
    if (schema == null || schema.isEmpty()) {
      return "missing header "
          + RecordHeaders.SCHEMA
          + ": every edit must name its writer schema id; fix the producer (publish edits through Rewind's KafkaBackupEndpoint)";
    }
    if (!knownSchemaIds.contains(schema.toLowerCase(Locale.ROOT))) {
      return "unknown schema id "
          + schema
          + " in header "
          + RecordHeaders.SCHEMA
          + ": written by a newer or foreign producer; upgrade the archivers to the producer's Rewind version";
    }
    lastKnownSchema = schemaHeader.value();
    return null;
  }
}
