package io.rewind.restore;

import io.rewind.client.kafka.EditKey;
import io.rewind.client.kafka.RecordHeaders;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.schemas.ArchivedHeader;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.catalog.ManifestStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A store on a local directory for restore tests, written as the archivers write one: format 1
 * segments (one Avro record per Kafka record, as Kafka had it), each committed by its manifest, and
 * a checkpoint.
 */
final class TestStore implements AutoCloseable {

  static final String TOPIC = "rewind.edits";
  private static final String SCHEMA = SchemaHistory.schemaId(WalEdit.getClassSchema());

  final ObjectStore store;
  final SerdeFactory serdes = new SerdeFactory(null);
  private final Serializer<WalEdit> serializer = serdes.serializer(WalEdit.class);

  TestStore(Path dir) throws IOException {
    this.store = ObjectStore.open(dir.toUri().toString(), Map.of());
  }

  /**
   * The record an edit is published as: key table 0x00 row, timestamp its write time, table and
   * schema headers.
   */
  ArchivedRecord record(long offset, WalEdit edit) {
    return record(offset, edit, serializer.serialize(TOPIC, edit));
  }

  /** The same with another value (null: none). */
  static ArchivedRecord record(long offset, WalEdit edit, byte[] value) {
    byte[] row = RowImage.bytes(edit.getRow());
    return new ArchivedRecord(
        offset,
        edit.getWriteTime(),
        ByteBuffer.wrap(EditKey.of(edit.getTable(), row)),
        List.of(header(RecordHeaders.TABLE, edit.getTable()), header(RecordHeaders.SCHEMA, SCHEMA)),
        value == null ? null : ByteBuffer.wrap(value));
  }

  private static ArchivedHeader header(String key, String value) {
    return new ArchivedHeader(key, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes and commits one segment of the records, which cover offsets [start, end). */
  Manifest segment(
      int partition, long start, long end, List<ArchivedRecord> records, CodecFactory codec)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Manifest m = new Manifest();
    try (DataFileWriter<ArchivedRecord> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(ArchivedRecord.class))) {
      writer.setCodec(codec);
      writer.create(ArchivedRecord.getClassSchema(), out);
      for (ArchivedRecord r : records) {
        writer.append(r);
        m.minWriteTime =
            m.minWriteTime == null ? r.getTimestamp() : Math.min(m.minWriteTime, r.getTimestamp());
        m.maxWriteTime =
            m.maxWriteTime == null ? r.getTimestamp() : Math.max(m.maxWriteTime, r.getTimestamp());
        String table = RecordFilter.header(r, RecordHeaders.TABLE);
        m.tables.merge(table == null ? "" : table, 1L, Long::sum);
      }
    }
    byte[] bytes = out.toByteArray();
    m.partition = partition;
    m.startOffset = start;
    m.endOffset = end;
    m.segmentPath = StoreLayout.segment(partition, start, end);
    m.sizeBytes = bytes.length;
    m.recordCount = records.size();
    m.sha256 = ManifestCodec.Sha256.hex(bytes);
    m.codec = codec.toString();
    store.write(m.segmentPath, bytes);
    new ManifestStore(store).write(m);
    return m;
  }

  void checkpoint(long time) throws IOException {
    CheckpointFile.write(store, CheckpointFile.Stored.of(time, time, null, "test", 1));
  }

  @Override
  public void close() throws IOException {
    store.close();
  }
}
