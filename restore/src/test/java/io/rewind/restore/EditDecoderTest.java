package io.rewind.restore;

import static io.rewind.restore.TestEdits.bytes;
import static io.rewind.restore.TestEdits.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.schemas.serde.UnknownSchemaException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class EditDecoderTest {

  private final SerdeFactory serdes = new SerdeFactory(null);
  private final Deserializer<WalEdit> deserializer = serdes.deserializer(WalEdit.class);
  private final WalEdit edit =
      TestEdits.edit(bytes("row-1"), "region-a", 7, put("q", 100, "value"));
  private final byte[] encoded = serdes.serializer(WalEdit.class).serialize("rewind.edits", edit);

  @Test
  void decodesASingleObjectEditInsideALargerBufferAsTheDeserializerDoes() {
    byte[] framed = new byte[encoded.length + 7];
    System.arraycopy(encoded, 0, framed, 3, encoded.length);
    ByteBuffer value = ByteBuffer.wrap(framed, 3, encoded.length).slice();

    WalEdit decoded = new EditDecoder(deserializer).decode("rewind.edits", value);

    assertThat(decoded)
        .isEqualTo(deserializer.deserialize("rewind.edits", encoded))
        .isEqualTo(edit);
    assertThat(value.position()).isZero();
  }

  @Test
  void anUnknownWriterSchemaIsLeftToTheDeserializerWhichNamesIt() {
    byte[] unknown = encoded.clone();
    unknown[2] ^= 0x5a;

    assertThatThrownBy(
            () -> new EditDecoder(deserializer).decode("rewind.edits", ByteBuffer.wrap(unknown)))
        .isInstanceOf(UnknownSchemaException.class);
  }

  @Test
  void aDirectBufferIsDecodedToo() {
    ByteBuffer direct = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();

    assertThat(new EditDecoder(deserializer).decode("rewind.edits", direct)).isEqualTo(edit);
  }
}
