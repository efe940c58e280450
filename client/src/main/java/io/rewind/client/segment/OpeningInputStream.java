package io.rewind.client.segment;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * Opens an {@code RWE2} object ({@link SealedChunks}) chunk by chunk as it is read: no plaintext
 * byte is handed out before its chunk authenticated, and the end of the plaintext is reported only
 * after a chunk sealed as the last one, at the end of the stream under it. Holds one chunk of
 * ciphertext and one of plaintext, whatever the object's size. Not thread-safe.
 *
 * <p>Failures are unchecked, as {@link SegmentKey#decrypt} throws them: {@link SegmentKeyException}
 * when the header's key check says the key is not the one that sealed the object, {@link
 * CorruptSegmentException} naming the path and the chunk for everything else (a damaged, truncated,
 * reordered or extended object, or one stored under another name).
 */
final class OpeningInputStream extends InputStream {

  private final InputStream in;
  private final SegmentKey key;
  private final String path;
  private SealedChunks chunks;
  private byte[] sealed;
  private byte[] plain;
  private int position;
  private int limit;
  private long index;

  /**
   * The first byte of the next chunk, read to learn whether the current one is the last; -1 at the
   * end.
   */
  private int lookahead = -1;

  private boolean last;

  OpeningInputStream(InputStream in, SegmentKey key, String path) {
    this.in = in;
    this.key = key;
    this.path = path;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (position == limit) {
      if (chunks == null) {
        readHeader();
      } else if (last) {
        return -1;
      }
      nextChunk();
    }
    int n = Math.min(len, limit - position);
    System.arraycopy(plain, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return limit - position;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void readHeader() throws IOException {
    byte[] header = new byte[SealedChunks.HEADER_BYTES];
    int n = in.readNBytes(header, 0, header.length);
    if (n < header.length
        || !Arrays.equals(Arrays.copyOf(header, SealedChunks.MAGIC.length), SealedChunks.MAGIC)) {
      throw corrupt("it does not start like a sealed segment (RWE2 header)", null);
    }
    int chunkBytes = SealedChunks.chunkBytes(header);
    if (chunkBytes < 1 || chunkBytes > SealedChunks.MAX_CHUNK_BYTES) {
      throw corrupt("its header names chunks of " + chunkBytes + " bytes", null);
    }
    chunks = key.openerOf(header, path);
    sealed = new byte[chunkBytes + SealedChunks.TAG_BYTES];
    plain = new byte[chunkBytes];
    lookahead = in.read();
  }

  /**
   * Reads and opens the next chunk; it is the last when the stream under this one ends right after
   * it.
   */
  private void nextChunk() throws IOException {
    int n = 0;
    if (lookahead >= 0) {
      sealed[n++] = (byte) lookahead;
      n += in.readNBytes(sealed, n, sealed.length - n);
      lookahead = n == sealed.length ? in.read() : -1;
    }
    last = lookahead < 0;
    if (n < SealedChunks.TAG_BYTES) {
      throw corrupt(
          "it ends " + (n == 0 ? "before" : "inside") + " chunk " + index + " (truncated)", null);
    }
    try {
      limit = chunks.open(index, last, sealed, n, plain);
    } catch (AEADBadTagException e) {
      throw corrupt(
          "chunk "
              + index
              + " does not authenticate: the object is damaged, truncated, reordered or stored under"
              + " another name than "
              + path,
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every JRE", e);
    }
    position = 0;
    index++;
  }

  private CorruptSegmentException corrupt(String problem, Throwable cause) {
    return new CorruptSegmentException(path, problem, cause);
  }
}
