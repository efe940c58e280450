package io.rewind.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.schemas.WalEdit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Single-object encoding (the no-registry path) round-trips every record Rewind sends or stores.
 */
class RecordCodecTest {

  static Stream<SpecificRecord> samples() {
    return SampleRecords.all().stream();
  }

  @Test
  void samplesCoverEveryRecordWithAHistory() {
    Set<Class<?>> sampled =
        SampleRecords.all().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(sampled)
        .as("SampleRecords needs an instance of every record in SchemaHistory.RECORDS")
        .containsAll(SchemaHistory.RECORDS);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void roundTripsThroughSingleObjectEncoding(SpecificRecord record) {
    roundTrip(record);
  }

  @Test
  void anUnknownWriterSchemaNamesTheFix() throws Exception {
    Schema unknown =
        SchemaBuilder.record("WalEdit")
            .namespace("io.rewind.schemas")
            .fields()
            .requiredInt("shard")
            .endRecord();
    byte[] bytes =
        toBytes(
            new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unknown)
                .encode(new GenericRecordBuilder(unknown).set("shard", 1).build()));

    assertThatThrownBy(() -> new RecordCodec<>(WalEdit.class).decode(bytes))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining(
            "WalEdit was written with a schema this version of Rewind does not know")
        .hasMessageContaining("upgrade Rewind");
  }

  @Test
  void bytesWithoutTheSingleObjectHeaderAreRefused() {
    assertThat(RecordCodec.isSingleObject(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2})).isFalse();
    assertThatThrownBy(
            () ->
                new RecordCodec<>(WalEdit.class)
                    .decode(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2}))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("not a single-object encoded WalEdit");
  }

  @Test
  void withoutARegistryTheDeserializerExplainsRegistryEncodedBytes() {
    byte[] registryFramed = {0, 0, 0, 0, 0, 0, 0, 0, 7, 2, 4, 6};
    assertThatThrownBy(
            () ->
                new SerdeFactory(null)
                    .deserializer(WalEdit.class)
                    .deserialize("rewind.edits", registryFramed))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("rewind.edits")
        .hasMessageContaining("registry.url");
  }

  @Test
  void garbageBytesAreNamedAsNotRewindsWithoutSendingTheOperatorToTheRegistry() {
    byte[] garbage = "hello, rewind".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                new SerdeFactory(null)
                    .deserializer(WalEdit.class)
                    .deserialize("rewind.edits", garbage))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("rewind.edits")
        .hasMessageContaining("0x68")
        .hasMessageNotContaining("registry.url");
  }

  @Test
  void tombstonesPassThroughAsNull() {
    SerdeFactory serdes = new SerdeFactory("  ");
    assertThat(serdes.usesRegistry()).isFalse();
    assertThat(serdes.serializer(WalEdit.class).serialize("rewind.tables", null)).isNull();
    assertThat(serdes.deserializer(WalEdit.class).deserialize("rewind.tables", null)).isNull();
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> void roundTrip(T record) {
    Class<T> type = (Class<T>) record.getClass();
    RecordCodec<T> codec = new RecordCodec<>(type);

    byte[] bytes = codec.encode(record);

    assertThat(RecordCodec.isSingleObject(bytes)).isTrue();
    assertThat(RecordCodec.fingerprintOf(bytes))
        .isEqualTo(SchemaHistory.fingerprint(record.getSchema()));
    assertThat(codec.decode(bytes)).isEqualTo(record);

    SerdeFactory serdes = new SerdeFactory(null);
    byte[] serialized = serdes.serializer(type).serialize("rewind.test", record);
    assertThat(serialized).isEqualTo(bytes);
    assertThat(serdes.deserializer(type).deserialize("rewind.test", serialized)).isEqualTo(record);
  }

  static byte[] toBytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
