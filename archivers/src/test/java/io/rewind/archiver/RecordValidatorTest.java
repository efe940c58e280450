package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.kafka.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class RecordValidatorTest {

  private final RecordValidator validator = RecordValidator.ofReleasedSchemas();

  private static Headers headers(String table, String schema) {
    Headers h = new org.apache.kafka.common.header.internals.RecordHeaders();
    if (table != null) {
      h.add(RecordHeaders.TABLE, table.getBytes(StandardCharsets.UTF_8));
    }
    if (schema != null) {
      h.add(RecordHeaders.SCHEMA, schema.getBytes(StandardCharsets.UTF_8));
    }
    return h;
  }

  @Test
  void acceptsAnEditWithTableAndAReleasedSchema() {
    assertThat(validator.problem(headers("ns:t", TestRecords.WAL_EDIT_SCHEMA))).isNull();
    assertThat(validator.problem(headers("ns:t", TestRecords.WAL_EDIT_SCHEMA.toUpperCase())))
        .isNull();
  }

  @Test
  void namesAMissingTableHeader() {
    assertThat(validator.problem(headers(null, TestRecords.WAL_EDIT_SCHEMA)))
        .startsWith("missing header rewind.table")
        .contains("fix the producer");
  }

  @Test
  void namesAMissingSchemaHeader() {
    assertThat(validator.problem(headers("ns:t", null))).startsWith("missing header rewind.schema");
  }

  @Test
  void namesAnUnknownSchema() {
    assertThat(validator.problem(headers("ns:t", "00000000deadbeef")))
        .startsWith("unknown schema id 00000000deadbeef")
        .contains("upgrade");
  }
}
