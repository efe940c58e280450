package io.rewind.archiver;

import io.rewind.client.io.Sha256OutputStream;
import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.store.catalog.ManifestStore;
import io.rewind.store.segment.MissingSegmentException;
import io.rewind.store.segment.SegmentStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one merged segment from consecutive committed ones, and its manifest. The sources' Avro
 * container blocks are copied as they are into one new container (same schema and codec: nothing is
 * decoded, decompressed or compressed again), streamed straight to the final key through a SHA-256
 * digest, so memory does not depend on the merged segment's size. Every source is checked against
 * its manifest (size and SHA-256) as it is copied; a mismatch abandons the merged segment before
 * its manifest is written. The commit protocol is the archivers': segment, then manifest, no
 * rename.
 */
final class SegmentMerger {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentMerger.class);

  private final ObjectStore store;
  private final ManifestStore manifests;
  private final KeyRing keys;

  /** Seals every merged segment: the ring's newest key, or null when encryption is off. */
  private final SegmentKey writer;

  private final String compactorId;
  private final LongSupplier clock;
  private final CompactionHook hook;

  SegmentMerger(
      ObjectStore store,
      KeyRing keys,
      String compactorId,
      LongSupplier clock,
      CompactionHook hook) {
    this.store = store;
    this.manifests = new ManifestStore(store);
    this.keys = keys;
    this.writer = keys.writer().orElse(null);
    this.compactorId = compactorId;
    this.clock = clock;
    this.hook = hook;
  }

  /** A merged manifest and the sources it replaces. */
  record Merged(Manifest manifest, List<Manifest> sources) {}

  /**
   * Merges the sources (consecutive, at least two) into segments of {@code level}: one, unless the
   * sources' container schemas differ (written by different Rewind versions or segment formats),
   * where each stretch of one schema becomes its own merged segment; a stretch of one source is
   * left as it is.
   *
   * @throws MissingSegmentException when a source is gone (nothing is committed)
   * @throws CorruptSegmentException when a source does not match its manifest (nothing is
   *     committed)
   */
  List<Merged> merge(int level, List<Manifest> sources) throws IOException, InterruptedException {
    List<Merged> merged = new ArrayList<>();
    if (sources.size() < 2) {
      return merged;
    }
    int split = write(level, sources, merged);
    if (split > 0) {
      merged.addAll(merge(level, sources.subList(0, split)));
      merged.addAll(merge(level, sources.subList(split, sources.size())));
    }
    return merged;
  }

  /**
   * Writes one merged segment; returns 0, or the index of the first source whose schema differs
   * (nothing written).
   */
  private int write(int level, List<Manifest> sources, List<Merged> merged)
      throws IOException, InterruptedException {
    Manifest first = sources.get(0);
    Manifest last = sources.get(sources.size() - 1);
    int partition = first.partition;
    String segmentKey =
        StoreLayout.levelSegment(
            partition,
            level,
            first.startOffset,
            last.endOffset,
            String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt()));
    FSDataOutputStream raw = store.create(segmentKey);
    Sha256OutputStream stored = new Sha256OutputStream(raw);
    boolean done = false;
    try {
      // Sealed with the newest key when encryption is on (so compaction moves history to it),
      // streamed in
      // chunks. Closed only once whole (the writer closes it): an unfinished upload is aborted,
      // never completed.
      OutputStream container =
          writer == null ? stored : writer.encryptingStream(stored, segmentKey);
      DataFileWriter<Object> writer = null;
      Schema schema = null;
      for (int i = 0; i < sources.size(); i++) {
        Manifest source = sources.get(i);
        try (SegmentStream in = SegmentStream.open(store, source, keys);
            DataFileStream<Object> blocks =
                new DataFileStream<>(in.plain(), new GenericDatumReader<>())) {
          if (writer == null) {
            schema = blocks.getSchema();
            writer =
                new DataFileWriter<>(new GenericDatumWriter<>())
                    .setCodec(CodecFactory.fromString(codecOf(blocks)));
            writer.setMeta("rewind.partition", partition);
            writer.setMeta("rewind.start", first.startOffset);
            writer.setMeta("rewind.level", level);
            writer.create(schema, container);
          } else if (!schema.equals(blocks.getSchema())) {
            LOG.info(
                "p={}: {} has another container schema than {}: merged separately",
                partition,
                source.segmentPath,
                first.segmentPath);
            return i;
          }
          writer.appendAllFrom(blocks, false);
          String mismatch = in.mismatch();
          if (mismatch != null) {
            throw new CorruptSegmentException(source.segmentPath, mismatch, null);
          }
        } catch (AvroRuntimeException | IOException e) {
          if (e instanceof MissingSegmentException || e instanceof CorruptSegmentException) {
            throw e;
          }
          if (e instanceof FileNotFoundException) {
            // Opened by its known length, a missing segment shows at the first read.
            throw new MissingSegmentException(source.segmentPath, source.key(), e);
          }
          throw new CorruptSegmentException(
              source.segmentPath, "its blocks do not read (" + e.getMessage() + ")", e);
        }
      }
      writer.close();
      done = true;
    } finally {
      if (!done) {
        abandon(raw, segmentKey);
      }
    }
    hook.reached(CompactionPoint.MERGED_SEGMENT_WRITTEN, partition);
    Manifest manifest = manifest(level, sources, segmentKey, stored);
    manifests.write(manifest);
    hook.reached(CompactionPoint.MERGED_MANIFEST_WRITTEN, partition);
    merged.add(new Merged(manifest, List.copyOf(sources)));
    return 0;
  }

  /**
   * Drops an unfinished merged segment: an aborted upload leaves nothing; a local file is deleted
   * (gc would too).
   */
  private void abandon(FSDataOutputStream raw, String segmentKey) {
    try {
      if (raw.hasCapability("fs.capability.outputstream.abortable")) {
        ((Abortable) raw).abort();
      } else {
        raw.close();
        store.delete(segmentKey);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "cannot drop the unfinished merged segment {} ({}): rewind gc removes it",
          segmentKey,
          e.toString());
    }
  }

  private static String codecOf(DataFileStream<Object> blocks) {
    String codec = blocks.getMetaString("avro.codec");
    return codec == null ? "null" : codec;
  }

  private Manifest manifest(
      int level, List<Manifest> sources, String segmentKey, Sha256OutputStream stored) {
    Manifest first = sources.get(0);
    Manifest m = new Manifest();
    m.partition = first.partition;
    m.startOffset = first.startOffset;
    m.endOffset = sources.get(sources.size() - 1).endOffset;
    m.segmentPath = segmentKey;
    m.sizeBytes = stored.count();
    m.sha256 = stored.sha256();
    m.codec = first.codec;
    m.keyId = writer == null ? null : writer.id();
    m.level = level;
    m.archiver = compactorId;
    m.committedAt = clock.getAsLong();
    m.tables = new TreeMap<>();
    TreeSet<String> schemaIds = new TreeSet<>();
    List<Manifest.InvalidRecord> invalid = new ArrayList<>();
    long firstCommitted = Long.MAX_VALUE;
    long sourceCount = 0;
    for (Manifest s : sources) {
      m.recordCount += s.recordCount;
      m.minWriteTime = min(m.minWriteTime, s.minWriteTime);
      m.maxWriteTime =
          s.maxWriteTime == null
              ? m.maxWriteTime
              : m.maxWriteTime == null ? s.maxWriteTime : Math.max(m.maxWriteTime, s.maxWriteTime);
      s.tables.forEach((t, n) -> m.tables.merge(t, n, Long::sum));
      schemaIds.addAll(s.schemaIds);
      m.invalidRecords += s.invalidRecords;
      if (s.invalid != null) {
        s.invalid.stream()
            .limit(Math.max(0, Manifest.MAX_INVALID_LISTED - invalid.size()))
            .forEach(invalid::add);
      }
      firstCommitted = Math.min(firstCommitted, s.archivedFrom());
      sourceCount += s.sourceCount();
    }
    m.schemaIds = List.copyOf(schemaIds);
    m.invalid = invalid.isEmpty() ? null : invalid;
    m.firstCommittedAt = firstCommitted;
    m.sources = sourceCount;
    return m;
  }

  private static Long min(Long a, Long b) {
    return a == null ? b : b == null ? a : Math.min(a, b);
  }
}
