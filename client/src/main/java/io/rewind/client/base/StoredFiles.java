package io.rewind.client.base;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.rewind.client.io.Sha256InputStream;
import io.rewind.client.io.Sha256OutputStream;
import io.rewind.client.io.ThrottledOutputStream;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.ObjectStore;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The stored form of a file copied whole into the store: a base's HFiles, and any file stored like
 * them (bulk-loaded HFiles). The file's bytes are compressed by its codec ({@code zstd} or {@code
 * none}), then, when a key ring is configured, sealed in {@code RWE2} chunks with its newest key,
 * bound to the object's key in the store ({@link SegmentKey#encryptingStream}): memory does not
 * depend on the file's size, writing or reading. {@link BaseImageFile} names the codec, the key id,
 * and the size and SHA-256 of both the file and the stored bytes, so that {@code rewind verify} can
 * check a stored file without its key, and a restore checks what it decrypted.
 */
public final class StoredFiles {

  private static final int DRAIN_BUFFER = 64 * 1024;
  private static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD};

  private StoredFiles() {}

  /**
   * A stream that writes the stored form of what is written to it onto {@code stored} (not closed
   * by it: the caller syncs and closes the object after {@link Writer#close()}).
   *
   * @param sealWith the key to seal with, or null to store the compressed bytes as they are
   */
  public static Writer writer(
      OutputStream stored, String key, String codec, SegmentKey sealWith, UploadThrottle throttle)
      throws IOException {
    return new Writer(stored, key, codec, sealWith, throttle);
  }

  /**
   * The plaintext of a stored file read from {@code stored}, through a digest of the stored bytes,
   * the key that sealed it and its codec; check it with {@link Reader#mismatch()} once read.
   *
   * @throws io.rewind.client.segment.SegmentKeyException when the file is sealed with a key the
   *     ring lacks
   */
  public static Reader reader(InputStream stored, BaseImageFile file, KeyRing keys)
      throws IOException {
    return new Reader(stored, file, keys);
  }

  /** Writes the stored form; {@link #close()} finishes compression and the last sealed chunk. */
  public static final class Writer extends OutputStream {
    private final Sha256OutputStream counted;
    private final OutputStream top;
    private final String keyId;

    private Writer(
        OutputStream stored, String key, String codec, SegmentKey sealWith, UploadThrottle throttle)
        throws IOException {
      // Closing the writer finishes compression and sealing; the object under it is the caller's to
      // close.
      this.counted =
          new Sha256OutputStream(stored) {
            @Override
            public void close() throws IOException {
              out.flush();
            }
          };
      OutputStream paced =
          throttle != null && throttle.isLimited()
              ? new ThrottledOutputStream(counted, throttle)
              : counted;
      OutputStream sealed = sealWith == null ? paced : sealWith.encryptingStream(paced, key);
      this.top = "zstd".equals(codec) ? new ZstdOutputStream(sealed, 3) : sealed;
      this.keyId = sealWith == null ? null : sealWith.id();
    }

    @Override
    public void write(int b) throws IOException {
      top.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      top.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      top.close();
    }

    /** Bytes written to the store (after {@link #close()}). */
    public long storedBytes() {
      return counted.count();
    }

    /** SHA-256 of the stored bytes, hex (after {@link #close()}). */
    public String storedSha256() {
      return counted.sha256();
    }

    /** The id of the key that sealed it, or null. */
    public String keyId() {
      return keyId;
    }
  }

  /** Reads the plaintext of a stored file and checks it against its entry. */
  public static final class Reader implements Closeable {
    private final BaseImageFile file;
    private final Sha256InputStream stored;
    private final InputStream opened;
    private final Sha256InputStream plain;

    private Reader(InputStream in, BaseImageFile file, KeyRing keys) throws IOException {
      this.file = file;
      this.stored = new Sha256InputStream(in);
      this.opened =
          file.keyId == null
              ? stored
              : keys.opener(file.key, file.keyId).decryptingStream(stored, file.key);
      this.plain =
          new Sha256InputStream("zstd".equals(file.codec) ? new ZstdInputStream(opened) : opened);
    }

    /** The file's own bytes (decrypted and decompressed). */
    public InputStream plain() {
      return plain;
    }

    /**
     * Reads what is left and compares sizes and SHA-256 digests with the entry: null when they
     * match, else the difference.
     */
    public String mismatch() throws IOException {
      plain.drain();
      // The codec may stop at its frame's end: the rest still passes the last chunk's check and the
      // digest.
      drain(opened);
      stored.drain();
      if (file.storedSha256 != null) {
        String actual = stored.sha256();
        if (stored.count() != file.storedBytes || !actual.equals(file.storedSha256)) {
          return "its stored bytes are "
              + stored.count()
              + " with SHA-256 "
              + actual
              + ", its entry names "
              + file.storedBytes
              + " with SHA-256 "
              + file.storedSha256;
        }
      }
      String sha = plain.sha256();
      if (plain.count() != file.size || !sha.equals(file.sha256)) {
        return plain.count()
            + " bytes with SHA-256 "
            + sha
            + ", its entry names "
            + file.size
            + " bytes with SHA-256 "
            + file.sha256;
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      plain.close();
    }
  }

  /**
   * The entry of a file already stored under {@code key}, found by reading it: sealed or not
   * (opened with whichever key of the ring sealed it), zstd or not. Null when the ring holds no key
   * that opens it. Lets a writer that finds its key taken (a batch shipped again after a crash)
   * tell its own earlier copy from another file.
   */
  public static BaseImageFile identify(ObjectStore store, String key, KeyRing keys)
      throws IOException {
    byte[] start;
    try (InputStream in = store.open(key)) {
      start = in.readNBytes(8);
    }
    List<String> ids = new ArrayList<>();
    if (SegmentKey.isStreaming(start)) {
      ids.addAll(keys.ids());
      Collections.reverse(ids);
    } else {
      ids.add(null);
    }
    for (String id : ids) {
      BaseImageFile f = new BaseImageFile();
      f.key = key;
      f.keyId = id;
      try (InputStream raw = store.open(key)) {
        Sha256InputStream stored = new Sha256InputStream(raw);
        InputStream opened =
            id == null ? stored : keys.opener(key, id).decryptingStream(stored, key);
        BufferedInputStream sniffed = new BufferedInputStream(opened);
        sniffed.mark(4);
        byte[] magic = sniffed.readNBytes(4);
        sniffed.reset();
        f.codec = Arrays.equals(magic, ZSTD_MAGIC) ? "zstd" : "none";
        Sha256InputStream plain =
            new Sha256InputStream(f.codec.equals("zstd") ? new ZstdInputStream(sniffed) : sniffed);
        plain.drain();
        drain(sniffed);
        stored.drain();
        f.size = plain.count();
        f.sha256 = plain.sha256();
        f.storedBytes = stored.count();
        f.storedSha256 = stored.sha256();
        return f;
      } catch (SegmentKeyException e) {
        // Not this key: try the next.
      }
    }
    return null;
  }

  /**
   * The size and SHA-256 of a stored file's stored bytes read from {@code in}, without opening it:
   * what can be checked without its key. Returns the difference from the entry, or null.
   */
  public static String storedMismatch(InputStream in, BaseImageFile file) throws IOException {
    Sha256InputStream stored = new Sha256InputStream(in);
    stored.drain();
    String actual = stored.sha256();
    if (stored.count() != file.storedBytes
        || (file.storedSha256 != null && !actual.equals(file.storedSha256))) {
      return "its stored bytes are "
          + stored.count()
          + " with SHA-256 "
          + actual
          + ", its entry names "
          + file.storedBytes
          + (file.storedSha256 == null ? "" : " with SHA-256 " + file.storedSha256);
    }
    return null;
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[DRAIN_BUFFER];
    while (in.read(buffer, 0, buffer.length) >= 0) {
      // through the digest
    }
  }
}
