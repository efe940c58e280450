package io.rewind.store.segment;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedRecord;
import java.util.Locale;
import org.apache.avro.Schema;

/**
 * The layout of a segment's Avro records ({@code segment.format}). Readers of this version read
 * both; {@code records} is for a store that Rewind versions before format 2 must still restore from
 * (a rolling upgrade that updates the archivers before the restore hosts).
 */
public enum SegmentFormat {
  /** Format 1: one {@link ArchivedRecord} per Kafka record. */
  RECORDS(ArchivedRecord.getClassSchema(), 512 * 1024),
  /**
   * Format 2, the default: {@link ArchivedBlock}s of columns, values as differences (see
   * ColumnarBlock).
   */
  COLUMNAR(ArchivedBlock.getClassSchema(), 4 * 1024 * 1024);

  private final Schema schema;
  private final int blockBytes;

  SegmentFormat(Schema schema, int blockBytes) {
    this.schema = schema;
    this.blockBytes = blockBytes;
  }

  Schema schema() {
    return schema;
  }

  /**
   * Record bytes per block. Columnar blocks are larger: a row's previous edit is more often in the
   * same block, and zstd finds more in a larger one (4 MiB stores ~5% fewer bytes than 512 KiB).
   * Blocks are compressed on the worker threads, so a large last block does not hold up the poll
   * loop.
   */
  public int blockBytes() {
    return blockBytes;
  }

  public static SegmentFormat of(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "columnar" -> COLUMNAR;
      case "records" -> RECORDS;
      default ->
          throw new RewindException(
              Kind.REFUSED,
              "segment.format '"
                  + name
                  + "' is not supported: use columnar (format 2, the default) or records (format 1,"
                  + " readable by Rewind versions before format 2)");
    };
  }
}
