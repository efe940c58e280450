package io.rewind.archiver;

import static io.rewind.archiver.TestRecords.edit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.store.Manifest;
import io.rewind.client.store.StoreLayout;
import io.rewind.store.segment.SealedSegment;
import io.rewind.store.segment.SegmentWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class SegmentWriterTest {

  private static final long MAX_BYTES = 10_000;

  private final SegmentWriter writer = new SegmentWriter(3, 100, MAX_BYTES, "zstd");

  @Test
  void rollsBeforeARecordWouldPassTheSizeLimit() {
    // Each record counts its value, key and headers: 3 records of ~3 KB fit, the fourth does not.
    List<Long> rolledAt = new ArrayList<>();
    SegmentWriter w = writer;
    for (long offset = 100; offset < 110; offset++) {
      ConsumerRecord<byte[], byte[]> r = edit(3, offset, 5000 + offset, "ns:t", 3000);
      if (w.wouldOverflow(r)) {
        SealedSegment s = w.seal();
        rolledAt.add(s.endOffset());
        assertThat(s.recordBytes()).isLessThanOrEqualTo(MAX_BYTES);
        w = new SegmentWriter(3, s.endOffset(), MAX_BYTES, "zstd");
      }
      w.append(r, null, 0);
    }
    assertThat(rolledAt).containsExactly(103L, 106L, 109L);
  }

  @Test
  void aRecordLargerThanTheLimitMakesASegmentOfItsOwn() {
    ConsumerRecord<byte[], byte[]> big = edit(3, 100, 1, "ns:t", (int) MAX_BYTES * 2);

    assertThat(writer.wouldOverflow(big)).isFalse();
    writer.append(big, null, 0);

    assertThat(writer.isFull()).isTrue();
    assertThat(writer.seal().recordCount()).isEqualTo(1);
  }

  @Test
  void opensWithItsFirstRecord() {
    assertThat(writer.openedAt()).as("empty").isEqualTo(-1);

    writer.append(edit(3, 100, 1, "ns:t", 10), null, 5_000);
    writer.append(edit(3, 101, 2, "ns:t", 10), null, 5_900);

    assertThat(writer.openedAt()).isEqualTo(5_000);
  }

  @Test
  void aGapInTheLogStaysInsideTheRangeAndOpensTheSegment() {
    writer.append(edit(3, 100, 1, "ns:t", 10), null, 0);
    writer.append(edit(3, 102, 2, "ns:t", 10), null, 0);
    writer.advanceTo(105, 0);

    SealedSegment s = writer.seal();

    assertThat(s.startOffset()).isEqualTo(100);
    assertThat(s.endOffset()).as("the consumer position after the last record").isEqualTo(105);
    assertThat(s.recordCount()).isEqualTo(2);

    SegmentWriter onlyGap = new SegmentWriter(3, 105, MAX_BYTES, "zstd");
    onlyGap.advanceTo(105, 1_000);
    assertThat(onlyGap.hasContent()).as("no offset skipped yet").isFalse();
    assertThat(onlyGap.openedAt()).isEqualTo(-1);
    onlyGap.advanceTo(107, 2_000);
    assertThat(onlyGap.hasContent()).isTrue();
    assertThat(onlyGap.openedAt()).isEqualTo(2_000);
  }

  @Test
  void rollsOnRequestWithWhateverItHolds() {
    writer.append(edit(3, 100, 1, "ns:t", 10), null, 0);

    SealedSegment s = writer.seal();

    assertThat(s.recordCount()).isEqualTo(1);
    assertThat(s.key()).isEqualTo(StoreLayout.segment(3, 100, 101));
    assertThatThrownBy(() -> writer.append(edit(3, 101, 1, "ns:t", 10), null, 0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesARecordBelowItsEnd() {
    writer.append(edit(3, 100, 1, "ns:t", 10), null, 0);

    assertThatThrownBy(() -> writer.append(edit(3, 100, 1, "ns:t", 10), null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below the segment's end 101");
  }

  @Test
  void theManifestSaysWhatTheSegmentHolds() {
    writer.append(edit(3, 100, 7_000, "ns:a", 10), null, 0);
    writer.append(edit(3, 101, 5_000, "ns:b", 10), null, 0);
    writer.append(edit(3, 102, 9_000, "ns:a", 10), null, 0);
    writer.append(TestRecords.withoutHeaders(3, 103, 8_000), "missing header rewind.table", 0);

    SealedSegment s = writer.seal();
    Manifest m = s.toManifest("ab12", s.bytes().length, "archiver-1", 42);

    assertThat(m.partition).isEqualTo(3);
    assertThat(m.startOffset).isEqualTo(100);
    assertThat(m.endOffset).isEqualTo(104);
    assertThat(m.segmentPath).isEqualTo(StoreLayout.segment(3, 100, 104));
    assertThat(m.recordCount).isEqualTo(4);
    assertThat(m.minWriteTime).isEqualTo(5_000);
    assertThat(m.maxWriteTime).isEqualTo(9_000);
    assertThat(m.tables).isEqualTo(Map.of("ns:a", 2L, "ns:b", 1L, "", 1L));
    assertThat(m.schemaIds).containsExactly(TestRecords.WAL_EDIT_SCHEMA);
    assertThat(m.invalidRecords).isEqualTo(1);
    assertThat(m.invalid)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.offset).isEqualTo(103);
              assertThat(i.reason).isEqualTo("missing header rewind.table");
            });
    assertThat(m.codec).isEqualTo("zstd");
    assertThat(m.sha256).isEqualTo("ab12");
    assertThat(m.sizeBytes).isEqualTo(s.bytes().length);
    assertThat(m.archiver).isEqualTo("archiver-1");
    assertThat(m.committedAt).isEqualTo(42);
  }

  @Test
  void aFloodOfInvalidRecordsIsCountedInFullAndTheFirstOnesNamed() {
    int flood = Manifest.MAX_INVALID_LISTED + 5;
    for (int i = 0; i < flood; i++) {
      writer.append(TestRecords.withoutHeaders(3, 100 + i, 8_000), "bad " + i, 0);
    }

    Manifest m = writer.seal().toManifest("x", 1, "a", 0);

    assertThat(m.invalidRecords).isEqualTo(flood);
    assertThat(m.invalid).hasSize(Manifest.MAX_INVALID_LISTED);
    assertThat(m.invalid.get(0).offset).isEqualTo(100);
    assertThat(m.invalid.get(0).reason).isEqualTo("bad 0");
  }

  @Test
  void aValidSegmentListsNoInvalidRecords() {
    writer.append(edit(3, 100, 1, "ns:t", 10), null, 0);

    assertThat(writer.seal().toManifest("x", 1, "a", 0).invalid).isNull();
  }

  @Test
  void aSegmentOfGapsOnlyHasNoWriteTimes() {
    writer.advanceTo(110, 0);

    Manifest m = writer.seal().toManifest("x", 1, "a", 0);

    assertThat(m.recordCount).isZero();
    assertThat(m.minWriteTime).isNull();
    assertThat(m.maxWriteTime).isNull();
    assertThat(m.endOffset).isEqualTo(110);
  }
}
