package io.rewind.restore;

import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes the archived value of an edit. Single-object encoded values of a known WalEdit schema are
 * read straight from the record's buffer with a buffered decoder (Avro's message decoder reads them
 * through a byte-at-a-time stream, the largest cost of a replay); anything else, an unknown schema
 * or a registry-framed value, goes to the configured deserializer, which decodes it or names why it
 * cannot. One per replay thread: not thread-safe.
 */
public final class EditDecoder {

  private static final int HEADER = 10;

  private final Deserializer<WalEdit> fallback;
  private final Map<Long, SpecificDatumReader<WalEdit>> readers = new HashMap<>();
  private BinaryDecoder decoder;

  public EditDecoder(Deserializer<WalEdit> fallback) {
    this.fallback = fallback;
    Schema current = WalEdit.getClassSchema();
    for (Schema writer : SchemaHistory.get().versions(WalEdit.class)) {
      readers.put(SchemaHistory.fingerprint(writer), new SpecificDatumReader<>(writer, current));
    }
    readers.put(SchemaHistory.fingerprint(current), new SpecificDatumReader<>(current, current));
  }

  /**
   * @throws RuntimeException when the value is not a decodable edit
   */
  WalEdit decode(String topic, ByteBuffer value) {
    SpecificDatumReader<WalEdit> reader = value.hasArray() ? readerFor(value) : null;
    if (reader == null) {
      byte[] bytes = new byte[value.remaining()];
      value.duplicate().get(bytes);
      return fallback.deserialize(topic, bytes);
    }
    int start = value.arrayOffset() + value.position();
    decoder =
        DecoderFactory.get()
            .binaryDecoder(value.array(), start + HEADER, value.remaining() - HEADER, decoder);
    try {
      return reader.read(null, decoder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode WalEdit", e);
    }
  }

  /** The reader of the value's writer schema when it is single-object encoded with a known one. */
  private SpecificDatumReader<WalEdit> readerFor(ByteBuffer value) {
    int p = value.position();
    if (value.remaining() < HEADER || (value.get(p) & 0xff) != 0xC3 || value.get(p + 1) != 0x01) {
      return null;
    }
    return readers.get(value.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(p + 2));
  }
}
