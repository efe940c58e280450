package io.rewind.core.segment;

import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestCodec;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.StoreLayout;
import io.rewind.schemas.ArchivedBlock;
import io.rewind.schemas.ArchivedRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the records of one committed segment, the one its manifest names.
 *
 * <p>The file is read once, through a SHA-256 digest, into memory (a segment is bounded by
 * segment.max.bytes before compression), and its size and digest are checked against the manifest
 * before the first record is handed out: a corrupt segment never yields a record, so a restore
 * cannot apply half of a damaged file. Records are then checked to lie in the manifest's range, in
 * ascending offset order, and to number exactly the manifest's record count.
 *
 * <p>Two formats, told apart by the writer schema the file names: format 1 holds one
 * {@link ArchivedRecord} per Avro record, format 2 one {@link ArchivedBlock} of many (see
 * {@link ColumnarBlock}). Either is read with the current schema of its record; Avro resolves the
 * writer schema stored in the file, so older segments stay readable.
 */
public final class SegmentReader implements Iterator<ArchivedRecord>, Closeable {

  private final Manifest manifest;
  private final DataFileStream<SpecificRecord> records;
  private Iterator<ArchivedRecord> block = Collections.emptyIterator();
  private long count;
  private long lastOffset = -1;

  private SegmentReader(Manifest manifest, DataFileStream<SpecificRecord> records) {
    this.manifest = manifest;
    this.records = records;
  }

  /**
   * Opens the segment of a manifest after verifying its bytes.
   *
   * @throws MissingSegmentException when the store does not hold the segment
   * @throws CorruptSegmentException when its size, SHA-256 or container header do not match
   * @throws IOException when the store cannot be read
   */
  public static SegmentReader open(ObjectStore store, Manifest manifest) throws IOException {
    return open(store, manifest, null);
  }

  /**
   * Opens the segment of a manifest after verifying its bytes, decrypting them first when the
   * manifest names a key id (the checksum covers the stored, encrypted bytes).
   *
   * @param key the segment encryption key, or null when none is configured
   * @throws SegmentKeyException when the segment is encrypted and the key is missing or wrong
   */
  public static SegmentReader open(ObjectStore store, Manifest manifest, SegmentKey key) throws IOException {
    String path = manifest.segmentPath;
    byte[] bytes = readVerified(store, manifest);
    if (manifest.keyId != null) {
      if (key == null) {
        throw new SegmentKeyException(path, manifest.keyId, "no segment encryption key is configured", null);
      }
      if (!key.id().equals(manifest.keyId)) {
        throw new SegmentKeyException(path, manifest.keyId, "the configured key has id '" + key.id() + "'", null);
      }
      bytes = key.decrypt(bytes, path);
    }
    try {
      return new SegmentReader(
          manifest,
          new DataFileStream<>(new ByteArrayInputStream(bytes), new EitherFormat()));
    } catch (IOException | AvroRuntimeException e) {
      throw new CorruptSegmentException(path, "not an Avro container file (" + e.getMessage() + ")", e);
    }
  }

  /** The segment's bytes, read once through a digest and checked against the manifest. */
  static byte[] readVerified(ObjectStore store, Manifest manifest) throws IOException {
    String path = manifest.segmentPath;
    MessageDigest digest = ManifestCodec.Sha256.newDigest();
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(manifest.sizeBytes, 0), 1 << 26));
    try (InputStream in = new DigestInputStream(store.open(path), digest)) {
      in.transferTo(out);
    } catch (FileNotFoundException e) {
      throw new MissingSegmentException(path, StoreLayout.manifest(manifest.partition, manifest.startOffset), e);
    }
    if (out.size() != manifest.sizeBytes) {
      throw new CorruptSegmentException(
          path, "it holds " + out.size() + " bytes, its manifest says " + manifest.sizeBytes, null);
    }
    String actual = ManifestCodec.Sha256.toHex(digest.digest());
    if (!actual.equalsIgnoreCase(manifest.sha256)) {
      throw new CorruptSegmentException(
          path, "its SHA-256 is " + actual + ", its manifest says " + manifest.sha256, null);
    }
    return out.toByteArray();
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The codec the segment was written with (zstandard, snappy, deflate, null). */
  public String codec() {
    String codec = records.getMetaString("avro.codec");
    return codec == null ? "null" : codec;
  }

  /** 2 when the segment holds {@link ArchivedBlock}s, 1 when it holds one {@link ArchivedRecord} per Avro record. */
  public int format() {
    return isBlocks(records.getSchema()) ? 2 : 1;
  }

  @Override
  public boolean hasNext() {
    boolean more = block.hasNext();
    try {
      while (!more && records.hasNext()) {
        SpecificRecord next = records.next();
        block = next instanceof ArchivedBlock
            ? ColumnarBlock.decode((ArchivedBlock) next).iterator()
            : List.of((ArchivedRecord) next).iterator();
        more = block.hasNext();
      }
    } catch (AvroRuntimeException | IllegalArgumentException e) {
      throw corrupt("a block does not decode (" + e.getMessage() + ")", e);
    }
    if (!more && count != manifest.recordCount) {
      throw corrupt("it holds " + count + " records, its manifest says " + manifest.recordCount, null);
    }
    return more;
  }

  @Override
  public ArchivedRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more records in " + manifest.segmentPath);
    }
    ArchivedRecord record = block.next();
    long offset = record.getOffset();
    if (offset < manifest.startOffset || offset >= manifest.endOffset || offset <= lastOffset) {
      throw corrupt(
          "record offset " + offset + " is outside the manifest range [" + manifest.startOffset + ", "
              + manifest.endOffset + ") or out of order (previous " + lastOffset + ")",
          null);
    }
    lastOffset = offset;
    count++;
    return record;
  }

  private static boolean isBlocks(Schema writer) {
    return writer.getFullName().equals(ArchivedBlock.getClassSchema().getFullName());
  }

  /** Reads each Avro record as the current class of the record the file's writer schema names. */
  private static final class EitherFormat implements DatumReader<SpecificRecord> {
    private DatumReader<? extends SpecificRecord> delegate;

    @Override
    public void setSchema(Schema writer) {
      delegate = isBlocks(writer) ? new SpecificDatumReader<>(ArchivedBlock.class) : new SpecificDatumReader<>(ArchivedRecord.class);
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
