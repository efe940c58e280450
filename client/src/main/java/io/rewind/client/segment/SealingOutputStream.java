package io.rewind.client.segment;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;

/**
 * Seals what is written to it as an {@code RWE2} object ({@link SealedChunks}) on the stream under
 * it: the header at once, then each chunk when the next byte shows it is not the last, the last one
 * at {@link #close()}, which also closes the stream under it. Holds one chunk of plaintext and one
 * of ciphertext. Not thread-safe.
 */
final class SealingOutputStream extends OutputStream {

  private final OutputStream out;
  private final SealedChunks chunks;
  private final byte[] plain;
  private final byte[] sealed;
  private int filled;
  private long index;
  private boolean closed;

  SealingOutputStream(OutputStream out, SealedChunks chunks, byte[] header) throws IOException {
    this.out = out;
    this.chunks = chunks;
    this.plain = new byte[chunks.chunkBytes()];
    this.sealed = new byte[chunks.chunkBytes() + SealedChunks.TAG_BYTES];
    out.write(header);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("the sealing stream is closed");
    }
    while (len > 0) {
      if (filled == plain.length) {
        // More bytes follow, so the full chunk is not the last.
        writeChunk(false);
      }
      int n = Math.min(len, plain.length - filled);
      System.arraycopy(b, off, plain, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /** Seals the last chunk and closes the stream under this one. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writeChunk(true);
      out.flush();
    } finally {
      out.close();
    }
  }

  private void writeChunk(boolean last) throws IOException {
    int n;
    try {
      n = chunks.seal(index, last, plain, filled, sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every JRE", e);
    }
    out.write(sealed, 0, n);
    index++;
    filled = 0;
  }
}
