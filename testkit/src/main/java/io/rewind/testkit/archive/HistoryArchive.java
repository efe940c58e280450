package io.rewind.testkit.archive;

import io.rewind.archiver.SegmentCommitter;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.io.Futures;
import io.rewind.store.segment.SegmentWriter;
import io.rewind.testkit.sim.CellValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A store holding a span of history as archivers leave it, written straight to the store without
 * Kafka ({@code rewind bench history}, compaction tests): per partition, one level-0 segment per
 * roll period (what the archivers roll at the default settings under the RPO bench's load),
 * committed just after its period ends, together holding {@code editsPerSecond} edits a second of
 * the bench table: one put per edit with realistic values, each partition's rows its own. The
 * archiver's own SegmentWriter and SegmentCommitter write them; partitions are written in parallel,
 * and nothing is held but the segments being built. Written in one go ({@link #write}) or period by
 * period ({@link #writeUntil}), as archiving goes on.
 */
public final class HistoryArchive {

  /** What to write: a span starting at {@code firstWriteTime}, {@code durationMs} long. */
  public record Shape(
      int partitions,
      long durationMs,
      long editsPerSecond,
      long rollMs,
      long firstWriteTime,
      int rowsPerPartition,
      long seed) {
    public int editsPerSegment() {
      return (int) Math.max(1, editsPerSecond * rollMs / 1000 / partitions);
    }
  }

  /** What was written. */
  public record Written(long edits, long segments, long lastWriteTime) {}

  private final ObjectStore store;
  private final SerdeFactory serdes;
  private final Shape shape;
  private final long[] offsets;
  private final Random[] random;

  /** The start of the next roll period to write. */
  private long next;

  private final AtomicLong edits = new AtomicLong();
  private final AtomicLong segments = new AtomicLong();

  public HistoryArchive(ObjectStore store, SerdeFactory serdes, Shape shape) {
    this.store = store;
    this.serdes = serdes;
    this.shape = shape;
    this.offsets = new long[shape.partitions()];
    this.random = new Random[shape.partitions()];
    for (int p = 0; p < shape.partitions(); p++) {
      random[p] = new Random(shape.seed() * 31 + p);
    }
    this.next = shape.firstWriteTime();
  }

  /** The whole span, with the table's descriptor and a checkpoint at its last write. */
  public static Written write(ObjectStore store, SerdeFactory serdes, Shape shape)
      throws IOException, InterruptedException {
    HistoryArchive archive = new HistoryArchive(store, serdes, shape);
    archive.writeUntil(shape.firstWriteTime() + shape.durationMs());
    long last = archive.next - 1;
    SyntheticArchive.describeAndCheckpoint(store, shape.firstWriteTime(), last);
    return new Written(archive.edits.get(), archive.segments.get(), last);
  }

  /** Writes every roll period that ends at or before {@code end}; returns the segments written. */
  public long writeUntil(long end) throws IOException, InterruptedException {
    long periods = (end - next) / shape.rollMs();
    if (periods <= 0) {
      return 0;
    }
    long from = next;
    next += periods * shape.rollMs();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(shape.partitions(), Runtime.getRuntime().availableProcessors()));
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (int p = 0; p < shape.partitions(); p++) {
        int partition = p;
        futures.add(
            pool.submit(
                () -> {
                  writePartition(partition, from, periods);
                  return null;
                }));
      }
      Futures.awaitAll(futures);
    } finally {
      pool.shutdownNow();
    }
    return periods * shape.partitions();
  }

  private void writePartition(int partition, long from, long periods)
      throws IOException, InterruptedException {
    Serializer<WalEdit> serializer = serdes.serializer(WalEdit.class);
    String schema = SchemaHistory.schemaId(WalEdit.getClassSchema());
    Random rng = random[partition];
    AtomicLong commitTime = new AtomicLong();
    SegmentCommitter committer = new SegmentCommitter(store, "bench-history", commitTime::get);
    int perSegment = shape.editsPerSegment();
    long offset = offsets[partition];
    for (long s = 0; s < periods; s++) {
      long windowStart = from + s * shape.rollMs();
      SegmentWriter writer = new SegmentWriter(partition, offset, Long.MAX_VALUE, "zstd");
      for (int i = 0; i < perSegment; i++) {
        long writeTime = windowStart + i * shape.rollMs() / perSegment;
        String row = String.format("%02x%07x", partition, rng.nextInt(shape.rowsPerPartition()));
        WalEdit edit =
            SyntheticArchive.edit(
                row,
                "region-" + partition,
                writeTime,
                offset + 1,
                "q" + (offset & 3),
                CellValues.REALISTIC.next(rng, offset));
        writer.append(
            SyntheticArchive.record(
                partition, offset, edit, serializer.serialize("rewind.edits", edit), schema),
            null,
            writeTime);
        offset++;
      }
      // Committed just after its roll period, as an archiver rolling by age commits it.
      commitTime.set(windowStart + shape.rollMs() + 50);
      committer.commit(writer.seal());
      segments.incrementAndGet();
      edits.addAndGet(perSegment);
    }
    offsets[partition] = offset;
  }
}
