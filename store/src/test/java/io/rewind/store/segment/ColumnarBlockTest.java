package io.rewind.store.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ColumnarBlockTest {

  @Test
  void recordsComeBackByteForByteInOffsetOrder() {
    List<ConsumerRecord<byte[], byte[]>> records = randomRecords(new Random(7), 2_000);

    List<ArchivedRecord> back = ColumnarBlock.decode(ColumnarBlock.encode(records));

    assertThat(back).hasSameSizeAs(records);
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = records.get(i);
      ArchivedRecord a = back.get(i);
      assertThat(a.getOffset()).isEqualTo(r.offset());
      assertThat(a.getTimestamp()).isEqualTo(r.timestamp());
      assertThat(bytes(a.getKey())).isEqualTo(r.key());
      assertThat(bytes(a.getValue())).isEqualTo(r.value());
      List<String> headers = new ArrayList<>();
      for (Header h : r.headers()) {
        headers.add(
            h.key()
                + "="
                + (h.value() == null
                    ? "null"
                    : new String(h.value(), StandardCharsets.ISO_8859_1)));
      }
      List<String> archived = new ArrayList<>();
      for (ArchivedHeader h : a.getHeaders()) {
        archived.add(
            h.getKey()
                + "="
                + (h.getValue() == null
                    ? "null"
                    : new String(bytes(h.getValue()), StandardCharsets.ISO_8859_1)));
      }
      assertThat(archived).as("headers of offset %d", r.offset()).isEqualTo(headers);
    }
  }

  @Test
  void storesEachValueAsItsDifferenceFromTheLastValueOfItsKey() {
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(
            record(10, "row-b", "table/region-1/row-b/t=1/server-7/x", "t"),
            record(11, "row-a", "table/region-1/row-a/t=1/server-7/x", "t"),
            record(12, "row-b", "table/region-1/row-b/t=2/server-7/yz", "t"));

    ArchivedBlock block = ColumnarBlock.encode(records);

    assertThat(bytes(block.getKeyRefs()))
        .as("row-b new, row-a new, row-b 2 keys back")
        .containsExactly(0, 0, 2);
    assertThat(bytes(block.getKeys())).asString().isEqualTo("row-brow-a");
    assertThat(bytes(block.getValueLengths())).containsExactly(36, 36, 37);
    // row-a's first value against the block's last one (row-b's): 1 byte differs, the rest is
    // equal.
    // row-b's second against row-b's first: "2" differs, 10 bytes equal, "y" differs, then the tail
    // "z".
    assertThat(bytes(block.getValueShared())).containsExactly(0, 19, 23);
    assertThat(bytes(block.getValueRuns())).containsExactly(1, 15, 1, 10, 1, 0);
    assertThat(bytes(block.getValues()))
        .asString()
        .isEqualTo("table/region-1/row-b/t=1/server-7/xa2yz");
    assertThat(block.getHeaderSets()).as("one distinct header list").hasSize(1);
  }

  @Test
  void aKeySeenBeforeIsAReferenceToItNullKeysIncluded() {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    String[] keys = {"a", "b", "a", null, "b", null};
    for (int i = 0; i < keys.length; i++) {
      records.add(
          new ConsumerRecord<>(
              "t",
              0,
              i,
              0,
              TimestampType.CREATE_TIME,
              -1,
              -1,
              keys[i] == null ? null : keys[i].getBytes(StandardCharsets.UTF_8),
              null,
              new RecordHeaders(),
              Optional.empty()));
    }

    ArchivedBlock block = ColumnarBlock.encode(records);

    assertThat(bytes(block.getKeyRefs())).containsExactly(0, 0, 2, 0, 2, 1);
    assertThat(bytes(block.getKeyLengths())).containsExactly(2, 2, 0);
    assertThat(bytes(block.getKeys())).asString().isEqualTo("ab");
    assertThat(ColumnarBlock.decode(block))
        .extracting(
            r -> r.getKey() == null ? null : StandardCharsets.UTF_8.decode(r.getKey()).toString())
        .containsExactly(keys);
  }

  @Test
  void theSameRecordsGiveTheSameBlock() {
    assertThat(ColumnarBlock.encode(randomRecords(new Random(3), 500)))
        .isEqualTo(ColumnarBlock.encode(randomRecords(new Random(3), 500)));
  }

  @Test
  void aMalformedBlockIsRefusedNamingItsColumn() {
    ArchivedBlock block =
        ColumnarBlock.encode(List.of(record(1, "a", "x", "t"), record(2, "b", "y", "t")));

    ArchivedBlock farBack =
        ArchivedBlock.newBuilder(block).setKeyRefs(ByteBuffer.wrap(new byte[] {0, 5})).build();
    assertThatThrownBy(() -> ColumnarBlock.decode(farBack))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refers to key 5 back of 1");

    ArchivedBlock shortKeys =
        ArchivedBlock.newBuilder(block).setKeys(ByteBuffer.wrap(new byte[] {'a'})).build();
    assertThatThrownBy(() -> ColumnarBlock.decode(shortKeys))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column keys");

    ArchivedBlock extra =
        ArchivedBlock.newBuilder(block)
            .setTimestamps(ByteBuffer.wrap(new byte[] {2, 2, 2}))
            .build();
    assertThatThrownBy(() -> ColumnarBlock.decode(extra))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column timestamps has 1 bytes left");
  }

  private static List<ConsumerRecord<byte[], byte[]>> randomRecords(Random random, int n) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    long offset = 1L << 40;
    for (int i = 0; i < n; i++) {
      offset +=
          1
              + (random.nextInt(10) == 0
                  ? random.nextInt(1000)
                  : 0); // gaps, as after transaction markers
      long timestamp = 1_790_000_000_000L + random.nextInt(5_000) - 2_500; // out of order
      byte[] key =
          random.nextInt(20) == 0
              ? null
              : ("row-" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
      byte[] value;
      int kind = random.nextInt(20);
      if (kind == 0) {
        value = null;
      } else if (kind == 1) {
        value = new byte[0];
      } else if (kind < 12
          && !records.isEmpty()
          && records.get(records.size() - 1).value() != null) {
        // An edit like the one before: equal stretches between a few changed bytes, longer or
        // shorter.
        byte[] before = records.get(records.size() - 1).value();
        value = Arrays.copyOf(before, Math.max(0, before.length + random.nextInt(9) - 4));
        for (int changes = random.nextInt(6); changes > 0 && value.length > 0; changes--) {
          value[random.nextInt(value.length)] ^= (byte) (1 + random.nextInt(255));
        }
      } else {
        value = new byte[random.nextInt(300)];
        random.nextBytes(value);
        if (key != null && value.length > key.length) {
          System.arraycopy(key, 0, value, 0, key.length); // shared prefixes of several lengths
        }
      }
      RecordHeaders headers = new RecordHeaders();
      headers.add(
          new RecordHeader(
              "rewind.table", ("ns:t" + random.nextInt(3)).getBytes(StandardCharsets.UTF_8)));
      if (random.nextInt(10) == 0) {
        headers.add(
            new RecordHeader(
                "odd", random.nextBoolean() ? null : new byte[] {(byte) random.nextInt()}));
      }
      records.add(
          new ConsumerRecord<>(
              "t",
              0,
              offset,
              timestamp,
              TimestampType.CREATE_TIME,
              -1,
              -1,
              key,
              value,
              headers,
              Optional.empty()));
    }
    return records;
  }

  private static ConsumerRecord<byte[], byte[]> record(
      long offset, String key, String value, String table) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(new RecordHeader("rewind.table", table.getBytes(StandardCharsets.UTF_8)));
    return new ConsumerRecord<>(
        "t",
        0,
        offset,
        offset,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        key.getBytes(StandardCharsets.ISO_8859_1),
        value.getBytes(StandardCharsets.UTF_8),
        headers,
        Optional.empty());
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
