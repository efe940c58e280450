package io.rewind.schemas.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (2-byte marker, 8-byte schema fingerprint, body) for one record type,
 * able to read every released version of it from {@link SchemaHistory}.
 */
public final class RecordCodec<T extends SpecificRecord> {

  private final Class<T> type;
  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  public RecordCodec(Class<T> type) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    SchemaHistory.get().versions(type).forEach(decoder::addSchema);
  }

  public Schema schema() {
    return schema;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
  }

  public T decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new UnknownSchemaException(
          type.getSimpleName()
              + " was written with a schema this version of Rewind does not know ("
              + e.getMessage()
              + "): upgrade Rewind, or configure the schema registry URL",
          e);
    } catch (BadHeaderException e) {
      throw new UnknownSchemaException(
          "not a single-object encoded " + type.getSimpleName() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode " + type.getSimpleName(), e);
    }
  }

  /** True when the bytes start with the single-object marker (0xC3 0x01). */
  public static boolean isSingleObject(byte[] bytes) {
    return bytes != null && bytes.length >= 10 && (bytes[0] & 0xff) == 0xC3 && bytes[1] == 0x01;
  }

  /** The writer-schema fingerprint of single-object encoded bytes (little-endian, per the spec). */
  public static long fingerprintOf(byte[] bytes) {
    if (!isSingleObject(bytes)) {
      throw new IllegalArgumentException("not single-object encoded");
    }
    return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
