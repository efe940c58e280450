package io.rewind.archiver;

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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds one Avro object container file of {@link ArchivedRecord}s (the format of the Avro spec,
 * readable by any Avro reader), writing each record's fields straight from the Kafka record with a
 * binary encoder, and compressing each full block on the given executor while the poll thread
 * goes on: the archiver's CPU work runs beside its consumer instead of after it.
 *
 * <p>Deterministic: the same records give the same bytes (block boundaries depend on encoded sizes
 * only; the sync marker is derived from the partition and start offset).
 */
final class SegmentFileBuilder {

  /**
   * Uncompressed bytes per block: large enough for zstd to find repetition across records, small
   * enough that blocks are compressed in parallel while the poll loop goes on. 4 MiB blocks store
   * ~4% fewer bytes, but a segment rolled every 500 ms is then often one block compressed at the
   * roll, and the archiver fell from ~330,000 to ~223,000 records/s (docs/archivers.md).
   */
  static final int BLOCK_BYTES = 512 * 1024;

  private static final byte[] MAGIC = {'O', 'b', 'j', 1};

  private final String codec;
  private final int zstdLevel;
  private final String codecName;
  private final byte[] sync;
  private final Map<String, byte[]> meta = new LinkedHashMap<>();
  private final Executor compressor;
  private final List<BlockTask> blocks = new ArrayList<>();
  private final List<Long> blockCounts = new ArrayList<>();
  private final PagedBuffer block = new PagedBuffer();
  private BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(block, null);
  private long blockCount;

  /** @param codec the segment.codec name: zstd, snappy, deflate or none */
  SegmentFileBuilder(String codec, int zstdLevel, byte[] sync, Executor compressor) {
    this.codec = codec;
    this.zstdLevel = zstdLevel;
    this.codecName = BlockCodecs.create(codec).getName();
    this.sync = sync.clone();
    this.compressor = compressor;
    meta.put("avro.schema", ArchivedRecord.getClassSchema().toString().getBytes(StandardCharsets.UTF_8));
    meta.put("avro.codec", codecName.getBytes(StandardCharsets.UTF_8));
  }

  void setMeta(String key, long value) {
    meta.put(key, Long.toString(value).getBytes(StandardCharsets.UTF_8));
  }

  /** Encodes the record as an {@link ArchivedRecord} (field order and unions of its schema). */
  void append(ConsumerRecord<byte[], byte[]> record) {
    try {
      encoder.writeLong(record.offset());
      encoder.writeLong(record.timestamp());
      writeNullableBytes(record.key());
      Header[] headers = record.headers().toArray();
      encoder.writeArrayStart();
      encoder.setItemCount(headers.length);
      for (Header h : headers) {
        encoder.startItem();
        encoder.writeString(h.key());
        writeNullableBytes(h.value());
      }
      encoder.writeArrayEnd();
      writeNullableBytes(record.value());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a record in memory", e);
    }
    blockCount++;
    if (block.size() + encoder.bytesBuffered() >= BLOCK_BYTES) {
      cutBlock();
    }
  }

  private void writeNullableBytes(byte[] bytes) throws IOException {
    if (bytes == null) {
      encoder.writeIndex(0);
    } else {
      encoder.writeIndex(1);
      encoder.writeBytes(bytes);
    }
  }

  private void cutBlock() {
    if (blockCount == 0) {
      return;
    }
    try {
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a record in memory", e);
    }
    ByteBuffer raw = ByteBuffer.wrap(block.toByteArray());
    block.reset();
    blockCounts.add(blockCount);
    BlockTask task = new BlockTask(raw);
    blocks.add(task);
    compressor.execute(task);
    encoder = EncoderFactory.get().binaryEncoder(block, encoder);
    blockCount = 0;
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

  /** The complete container: header, then every block in order once compressed. */
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
      for (int i = 0; i < blocks.size(); i++) {
        ByteBuffer data = blocks.get(i).result();
        e.writeLong(blockCounts.get(i));
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
      throw ex.getCause() instanceof RuntimeException ? (RuntimeException) ex.getCause() : new IllegalStateException(ex.getCause());
    }
  }

  /**
   * One block's compression. Whoever claims it first runs it: a worker, or {@link #finish} itself
   * when no worker has started it yet, so sealing never waits behind segment uploads queued on
   * the same threads.
   */
  private final class BlockTask implements Runnable {
    private final ByteBuffer raw;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<ByteBuffer> done = new CompletableFuture<>();

    BlockTask(ByteBuffer raw) {
      this.raw = raw;
    }

    @Override
    public void run() {
      if (claimed.compareAndSet(false, true)) {
        try {
          done.complete(compress(raw));
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
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

  /**
   * The block being encoded, in pages of 256 KiB: a ByteArrayOutputStream would copy it at every
   * doubling (the archiver's largest allocation).
   * Pages are reused from block to block; {@link #toByteArray} makes the one copy compression needs.
   */
  static final class PagedBuffer extends OutputStream {
    private static final int PAGE = 256 * 1024;
    private final List<byte[]> pages = new ArrayList<>();
    private int size;

    @Override
    public void write(int b) {
      page()[size++ % PAGE] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      while (len > 0) {
        int at = size % PAGE;
        int n = Math.min(len, PAGE - at);
        System.arraycopy(b, off, page(), at, n);
        size += n;
        off += n;
        len -= n;
      }
    }

    /** The page the next byte goes to, added when the last one is full. */
    private byte[] page() {
      int index = size / PAGE;
      if (index == pages.size()) {
        pages.add(new byte[PAGE]);
      }
      return pages.get(index);
    }

    int size() {
      return size;
    }

    byte[] toByteArray() {
      byte[] all = new byte[size];
      for (int i = 0, at = 0; at < size; i++, at += PAGE) {
        System.arraycopy(pages.get(i), 0, all, at, Math.min(PAGE, size - at));
      }
      return all;
    }

    void reset() {
      size = 0;
    }
  }

  /** Drops the blocks still being compressed (the segment is abandoned). */
  void discard() {
    blocks.forEach(BlockTask::cancel);
  }
}
