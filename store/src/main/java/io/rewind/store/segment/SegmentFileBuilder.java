package io.rewind.store.segment;

import com.github.luben.zstd.NoPool;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds one Avro object container file (the format of the Avro spec, readable by any Avro reader)
 * of the records of one segment, in the given {@link SegmentFormat}. The poll thread fills each
 * block (format 2: its small columns and the key and value arrays); each full block is encoded and
 * compressed on the given executor while the poll thread goes on, and {@link #finish} (called by a
 * worker at upload time) assembles the file: the archiver's CPU work runs beside its consumer
 * instead of after it.
 *
 * <p>Deterministic: the same records give the same bytes (block boundaries depend on record sizes
 * only; the sync marker is derived from the partition and start offset).
 */
final class SegmentFileBuilder {

  private static final byte[] MAGIC = {'O', 'b', 'j', 1};
  private static final EncoderFactory BLOCK_ENCODER =
      new EncoderFactory().configureBufferSize(64 * 1024);

  private final SegmentFormat format;
  private final String codec;
  private final int zstdLevel;
  private final String codecName;
  private final byte[] sync;
  private final Map<String, byte[]> meta = new LinkedHashMap<>();
  private final Executor compressor;
  private final List<BlockTask> blocks = new ArrayList<>();
  private OpenBlock block;
  private long blockBytes;

  /**
   * @param codec the segment.codec name: zstd, snappy, deflate or none
   */
  SegmentFileBuilder(
      SegmentFormat format, String codec, int zstdLevel, byte[] sync, Executor compressor) {
    this.format = format;
    this.codec = codec;
    this.zstdLevel = zstdLevel;
    this.codecName = BlockCodecs.create(codec).getName();
    this.sync = sync.clone();
    this.compressor = compressor;
    meta.put("avro.schema", format.schema().toString().getBytes(StandardCharsets.UTF_8));
    meta.put("avro.codec", codecName.getBytes(StandardCharsets.UTF_8));
    block = newBlock();
  }

  void setMeta(String key, long value) {
    meta.put(key, Long.toString(value).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Takes a record (kept by reference until its block is encoded: Kafka does not reuse it).
   *
   * @param size what the record counts against the block size (SegmentWriter.sizeOf)
   */
  void append(ConsumerRecord<byte[], byte[]> record, long size) {
    block.add(record);
    blockBytes += size;
    if (blockBytes >= format.blockBytes()) {
      cutBlock();
    }
  }

  private void cutBlock() {
    if (block.isEmpty()) {
      return;
    }
    BlockTask task = new BlockTask(block, blockBytes);
    blocks.add(task);
    block = newBlock();
    blockBytes = 0;
    compressor.execute(task);
  }

  private OpenBlock newBlock() {
    return format == SegmentFormat.COLUMNAR ? new ColumnsBlock() : new RecordsBlock();
  }

  /** The records of the block being filled, in the segment's format. */
  private interface OpenBlock {
    /** On the poll thread. */
    void add(ConsumerRecord<byte[], byte[]> record);

    boolean isEmpty();

    /** The count the container states for the block: Avro records, not Kafka records. */
    long avroRecords();

    /** On a worker thread. */
    void writeTo(BinaryEncoder encoder) throws IOException;
  }

  /** Format 2: one {@link ArchivedBlock}, its small columns filled as records arrive. */
  private static final class ColumnsBlock implements OpenBlock {
    private final ColumnarBlock.Builder columns = new ColumnarBlock.Builder();

    @Override
    public void add(ConsumerRecord<byte[], byte[]> record) {
      columns.add(record);
    }

    @Override
    public boolean isEmpty() {
      return columns.count() == 0;
    }

    @Override
    public long avroRecords() {
      return 1;
    }

    @Override
    public void writeTo(BinaryEncoder encoder) throws IOException {
      new SpecificDatumWriter<>(ArchivedBlock.class).write(columns.build(), encoder);
    }
  }

  /**
   * Format 1: one {@link ArchivedRecord} per record, encoded on the poll thread while the record is
   * in the CPU's cache, so the record dies young.
   */
  private static final class RecordsBlock implements OpenBlock {
    private final ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(SegmentFormat.RECORDS.blockBytes() + 64 * 1024);
    private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    private long records;

    @Override
    public void add(ConsumerRecord<byte[], byte[]> record) {
      try {
        writeRecord(encoder, record);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode a record in memory", e);
      }
      records++;
    }

    @Override
    public boolean isEmpty() {
      return records == 0;
    }

    @Override
    public long avroRecords() {
      return records;
    }

    @Override
    public void writeTo(BinaryEncoder out) throws IOException {
      encoder.flush();
      out.writeFixed(bytes.toByteArray());
    }
  }

  /** One {@link ArchivedRecord}, in the field order and unions of its schema. */
  private static void writeRecord(BinaryEncoder encoder, ConsumerRecord<byte[], byte[]> record)
      throws IOException {
    encoder.writeLong(record.offset());
    encoder.writeLong(record.timestamp());
    writeNullableBytes(encoder, record.key());
    Header[] headers = record.headers().toArray();
    encoder.writeArrayStart();
    encoder.setItemCount(headers.length);
    for (Header h : headers) {
      encoder.startItem();
      encoder.writeString(h.key());
      writeNullableBytes(encoder, h.value());
    }
    encoder.writeArrayEnd();
    writeNullableBytes(encoder, record.value());
  }

  private static void writeNullableBytes(BinaryEncoder encoder, byte[] bytes) throws IOException {
    if (bytes == null) {
      encoder.writeIndex(0);
    } else {
      encoder.writeIndex(1);
      encoder.writeBytes(bytes);
    }
  }

  /**
   * A block's Avro encoding, compressed: the data of one container block. With zstd it is encoded
   * straight into a zstd stream (the frame Avro's zstandard codec reads), never whole in memory,
   * which spares a copy and a multi-MiB allocation per block (G1 allocates those outside its
   * regions); the other codecs take the whole encoding.
   */
  private ByteBuffer encodeAndCompress(OpenBlock block, long sizeHint) {
    boolean zstd = codec.equals("zstd");
    long expected = (zstd ? sizeHint / 4 : sizeHint) + 1024;
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, expected));
    try (OutputStream target =
        zstd ? new ZstdOutputStreamNoFinalizer(out, NoPool.INSTANCE, zstdLevel) : out) {
      // Buffered: the compressor is called per 64 KiB of small fields, not per field.
      BinaryEncoder encoder = BLOCK_ENCODER.binaryEncoder(target, null);
      block.writeTo(encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a segment block with " + codecName, e);
    }
    return zstd ? ByteBuffer.wrap(out.toByteArray()) : compress(ByteBuffer.wrap(out.toByteArray()));
  }

  private ByteBuffer compress(ByteBuffer raw) {
    try {
      // A codec instance per block: instances keep buffers and are not thread-safe.
      ByteBuffer compressed = BlockCodecs.create(codec, zstdLevel).compress(raw);
      // Avro's codecs may return a view of a reused buffer: keep a copy of exactly the block.
      byte[] copy = new byte[compressed.remaining()];
      compressed.get(copy);
      return ByteBuffer.wrap(copy);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compress a segment block with " + codecName, e);
    }
  }

  /**
   * The complete container: header, then every block in order once compressed. Blocks no worker has
   * started are encoded here: call it on a worker thread.
   */
  byte[] finish() {
    cutBlock();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
      out.write(MAGIC);
      e.writeMapStart();
      e.setItemCount(meta.size());
      for (Map.Entry<String, byte[]> m : meta.entrySet()) {
        e.startItem();
        e.writeString(m.getKey());
        e.writeBytes(m.getValue());
      }
      e.writeMapEnd();
      out.write(sync);
      for (BlockTask block : blocks) {
        ByteBuffer data = block.result();
        e.writeLong(block.avroRecords);
        e.writeLong(data.remaining());
        out.write(data.array());
        out.write(sync);
      }
      return out.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot assemble a segment in memory", ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compressing a segment", ex);
    } catch (ExecutionException ex) {
      throw ex.getCause() instanceof RuntimeException
          ? (RuntimeException) ex.getCause()
          : new IllegalStateException(ex.getCause());
    }
  }

  /**
   * One block's encoding and compression. Whoever claims it first runs it: a worker, or {@link
   * #finish} itself when no worker has started it yet, so a segment's upload never waits behind
   * other segments' work queued on the same threads.
   */
  private final class BlockTask implements Runnable {
    private OpenBlock records;
    private final long sizeHint;
    private final long avroRecords;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<ByteBuffer> done = new CompletableFuture<>();

    BlockTask(OpenBlock records, long sizeHint) {
      this.records = records;
      this.sizeHint = sizeHint;
      this.avroRecords = records.avroRecords();
    }

    @Override
    public void run() {
      if (claimed.compareAndSet(false, true)) {
        try {
          done.complete(encodeAndCompress(records, sizeHint));
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
        } finally {
          records = null; // the block's records are garbage once encoded
        }
      }
    }

    ByteBuffer result() throws InterruptedException, ExecutionException {
      run();
      return done.get();
    }

    void cancel() {
      claimed.set(true);
      done.cancel(false);
    }
  }

  /** Drops the blocks still being compressed (the segment is abandoned). */
  void discard() {
    blocks.forEach(BlockTask::cancel);
  }
}
