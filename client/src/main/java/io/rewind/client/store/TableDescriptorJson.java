package io.rewind.client.store;

import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.serde.SchemaHistory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Table descriptors as Avro JSON in the store. Avro's JSON decoder needs the writer's schema (a
 * field the writer did not know is not filled from its default), so a descriptor written by an
 * older Rewind is read with each released schema, newest first, until one fits.
 */
public final class TableDescriptorJson {

  private TableDescriptorJson() {}

  public static byte[] encode(TableDescriptor descriptor, boolean pretty) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonEncoder encoder =
        EncoderFactory.get().jsonEncoder(TableDescriptor.getClassSchema(), out, pretty);
    new SpecificDatumWriter<>(TableDescriptor.class).write(descriptor, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  public static TableDescriptor decode(byte[] json) throws IOException {
    String text = new String(json, StandardCharsets.UTF_8);
    List<Schema> versions = SchemaHistory.get().versions(TableDescriptor.class);
    RuntimeException first = null;
    for (int i = versions.size() - 1; i >= 0; i--) {
      Schema writer = versions.get(i);
      try {
        return new SpecificDatumReader<TableDescriptor>(writer, TableDescriptor.getClassSchema())
            .read(null, DecoderFactory.get().jsonDecoder(writer, text));
      } catch (AvroRuntimeException | IOException e) {
        first = first == null ? new AvroRuntimeException(e.getMessage(), e) : first;
      }
    }
    throw first == null ? new AvroRuntimeException("no released TableDescriptor schema") : first;
  }
}
