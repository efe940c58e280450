package io.rewind.store.segment;

import io.rewind.client.segment.CorruptSegmentException;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentException;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedRecord;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the records of one committed segment, the one its manifest names.
 *
 * <p>The file is streamed, never held: its bytes pass through a counter and a SHA-256 digest on
 * their way to the Avro decoder, and once the last record has been read ({@link #hasNext()}
 * returning false) their size and digest are checked against the manifest. <b>A record handed out
 * is therefore not yet verified</b>: a caller that must not act on a damaged segment holds what it
 * reads until {@code hasNext()} has returned false (the restore scans a whole partition before it
 * applies any of it). Any failure on the way (Avro cannot decode a block, a record lies outside the
 * manifest's range) first reads the rest of the file through the digest, so that damage is reported
 * as such: always a {@link CorruptSegmentException} naming the segment. Records are checked to lie
 * in the manifest's range, in ascending offset order, and to number exactly the manifest's record
 * count.
 *
 * <p>Encrypted segments: {@code RWE2} objects ({@link SegmentKey#decryptingStream}) are streamed
 * too, each chunk authenticated before its bytes reach the decoder; {@code RWE1} objects (whole
 * buffer AES-GCM, bounded by segment.max.bytes) are read into memory, checked against the manifest
 * and decrypted before the first record, as they always were.
 *
 * <p>Two formats, told apart by the writer schema the file names: format 1 holds one {@link
 * ArchivedRecord} per Avro record, format 2 one {@link ArchivedBlock} of many (see {@link
 * ColumnarBlock}). Either is read with the current schema of its record; Avro resolves the writer
 * schema stored in the file, so older segments stay readable.
 */
public final class SegmentReader implements Iterator<ArchivedRecord>, Closeable {

  private final Manifest manifest;
  private final SegmentBytes stored;
  private final DataFileStream<SpecificRecord> records;
  private Iterator<ArchivedRecord> block = Collections.emptyIterator();
  private long count;
  private long lastOffset = -1;
  private boolean verified;

  private SegmentReader(
      Manifest manifest, SegmentBytes stored, DataFileStream<SpecificRecord> records) {
    this.manifest = manifest;
    this.stored = stored;
    this.records = records;
  }

  /**
   * Opens the segment of a manifest.
   *
   * @throws MissingSegmentException when the store does not hold the segment
   * @throws CorruptSegmentException when its container header does not decode (the size and SHA-256
   *     are checked when the last record has been read)
   * @throws IOException when the store cannot be read
   */
  public static SegmentReader open(ObjectStore store, Manifest manifest) throws IOException {
    return open(store, manifest, KeyRing.none());
  }

  /**
   * Opens the segment of a manifest, decrypting it as it is read when the manifest names a key id
   * (the checksum covers the stored, encrypted bytes).
   *
   * @param key the segment encryption key, or null when none is configured
   * @throws SegmentKeyException when the segment is encrypted and the key is missing or wrong
   */
  public static SegmentReader open(ObjectStore store, Manifest manifest, SegmentKey key)
      throws IOException {
    if (manifest.keyId != null && key != null && !key.id().equals(manifest.keyId)) {
      throw new SegmentKeyException(
          manifest.segmentPath,
          manifest.keyId,
          "the configured key has id '" + key.id() + "'",
          null);
    }
    return open(store, manifest, KeyRing.of(key));
  }

  /**
   * Opens the segment of a manifest, decrypting it with the key of the ring that sealed it.
   *
   * @throws SegmentKeyException when the segment is encrypted and the ring lacks its key id
   */
  public static SegmentReader open(ObjectStore store, Manifest manifest, KeyRing ring)
      throws IOException {
    SegmentStream segment = SegmentStream.open(store, manifest, ring);
    SegmentBytes stored = segment.stored();
    try {
      return new SegmentReader(
          manifest, stored, new DataFileStream<>(segment.plain(), new EitherFormat()));
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      try {
        throw failure(manifest, stored, "not an Avro container file (" + e.getMessage() + ")", e);
      } finally {
        segment.close();
      }
    }
  }

  /**
   * The exception for a failure met while reading (null cause: a check of this class failed): the
   * segment's own damage when its size or digest differ from the manifest (the failure was only its
   * consequence), else the failure itself, as a CorruptSegmentException unless it is a segment
   * exception already or memory ran out with the segment intact. A damaged length can make Avro
   * allocate up to 2 GiB, so an OutOfMemoryError is first checked against the digest too.
   */
  private static RuntimeException failure(
      Manifest manifest, SegmentBytes stored, String problem, Throwable cause) throws IOException {
    if (cause instanceof FileNotFoundException) {
      return SegmentStream.missing(manifest, (FileNotFoundException) cause);
    }
    String mismatch;
    try {
      mismatch = stored.mismatch();
    } catch (IOException e) {
      if (cause != null) {
        e.addSuppressed(cause);
      }
      throw e;
    }
    if (mismatch != null) {
      return new CorruptSegmentException(
          manifest.segmentPath, mismatch + "; reading it failed: " + problem, cause);
    }
    if (cause instanceof SegmentException) {
      return (SegmentException) cause;
    }
    if (cause instanceof OutOfMemoryError) {
      throw (OutOfMemoryError) cause;
    }
    return new CorruptSegmentException(manifest.segmentPath, problem, cause);
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The codec the segment was written with (zstandard, snappy, deflate, null). */
  public String codec() {
    String codec = records.getMetaString("avro.codec");
    return codec == null ? "null" : codec;
  }

  /**
   * 2 when the segment holds {@link ArchivedBlock}s, 1 when it holds one {@link ArchivedRecord} per
   * Avro record.
   */
  public int format() {
    return isBlocks(records.getSchema()) ? 2 : 1;
  }

  @Override
  public boolean hasNext() {
    if (block.hasNext()) {
      return true;
    }
    if (verified) {
      return false;
    }
    try {
      while (records.hasNext()) {
        SpecificRecord next = records.next();
        block =
            next instanceof ArchivedBlock
                ? ColumnarBlock.decode((ArchivedBlock) next).iterator()
                : List.of((ArchivedRecord) next).iterator();
        if (block.hasNext()) {
          return true;
        }
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      throw rethrown("a block does not decode (" + e.getMessage() + ")", e);
    }
    String mismatch;
    try {
      mismatch = stored.mismatch();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "reading " + manifest.segmentPath + " failed: " + e.getMessage(), e);
    }
    if (mismatch != null) {
      throw corrupt(mismatch, null);
    }
    if (count != manifest.recordCount) {
      throw corrupt(
          "it holds " + count + " records, its manifest says " + manifest.recordCount, null);
    }
    verified = true;
    return false;
  }

  @Override
  public ArchivedRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more records in " + manifest.segmentPath);
    }
    ArchivedRecord record = block.next();
    long offset = record.getOffset();
    if (offset < manifest.startOffset || offset >= manifest.endOffset || offset <= lastOffset) {
      throw rethrown(
          "record offset "
              + offset
              + " is outside the manifest range ["
              + manifest.startOffset
              + ", "
              + manifest.endOffset
              + ") or out of order (previous "
              + lastOffset
              + ")",
          null);
    }
    lastOffset = offset;
    count++;
    return record;
  }

  /** A failure while reading, as {@link #failure} explains it. */
  private RuntimeException rethrown(String problem, Throwable cause) {
    try {
      return failure(manifest, stored, problem, cause);
    } catch (IOException e) {
      return new UncheckedIOException(
          "reading " + manifest.segmentPath + " failed: " + e.getMessage(), e);
    }
  }

  private static boolean isBlocks(Schema writer) {
    return writer.getFullName().equals(ArchivedBlock.getClassSchema().getFullName());
  }

  /** Reads each Avro record as the current class of the record the file's writer schema names. */
  private static final class EitherFormat implements DatumReader<SpecificRecord> {
    private DatumReader<? extends SpecificRecord> delegate;

    @Override
    public void setSchema(Schema writer) {
      delegate =
          isBlocks(writer)
              ? new SpecificDatumReader<>(ArchivedBlock.class)
              : new SpecificDatumReader<>(ArchivedRecord.class);
      delegate.setSchema(writer);
    }

    @Override
    public SpecificRecord read(SpecificRecord reuse, Decoder in) throws IOException {
      return delegate.read(null, in);
    }
  }

  private CorruptSegmentException corrupt(String problem, Throwable cause) {
    return new CorruptSegmentException(manifest.segmentPath, problem, cause);
  }

  @Override
  public void close() throws IOException {
    records.close();
  }
}
