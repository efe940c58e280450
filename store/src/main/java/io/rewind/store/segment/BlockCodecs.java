package io.rewind.store.segment;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.apache.avro.file.Codec;
import org.apache.avro.file.DeflateCodec;
import org.apache.avro.file.ZstandardCodec;
import org.xerial.snappy.Snappy;

/**
 * A fresh Avro block codec per segment.codec name, for compressing blocks on worker threads (codec
 * instances keep buffers and are not thread-safe, and Avro's factory keeps its constructor to
 * itself). The snappy and null codecs follow the Avro spec: snappy blocks end with the CRC-32 of
 * the uncompressed data, big-endian.
 */
public final class BlockCodecs {

  private BlockCodecs() {}

  /** Zstandard's level unless configured (Avro's and zstd's own default). */
  public static final int DEFAULT_ZSTD_LEVEL = 3;

  public static Codec create(String name) {
    return create(name, DEFAULT_ZSTD_LEVEL);
  }

  public static Codec create(String name, int zstdLevel) {
    switch (name) {
      case "zstd":
        return new ZstandardCodec(zstdLevel, false, false);
      case "deflate":
        return new DeflateCodec(6);
      case "snappy":
        return new SnappyBlock();
      case "none":
        return new NullBlock();
      default:
        throw new RewindException(
            Kind.REFUSED,
            "segment.codec '" + name + "' is not supported: use zstd, snappy, deflate or none");
    }
  }

  private static final class SnappyBlock extends Codec {
    @Override
    public String getName() {
      return "snappy";
    }

    @Override
    public ByteBuffer compress(ByteBuffer in) throws IOException {
      byte[] raw = new byte[in.remaining()];
      in.duplicate().get(raw);
      byte[] compressed = Snappy.compress(raw);
      CRC32 crc = new CRC32();
      crc.update(raw);
      return ByteBuffer.allocate(compressed.length + 4)
          .put(compressed)
          .putInt((int) crc.getValue())
          .flip();
    }

    @Override
    public ByteBuffer decompress(ByteBuffer in) {
      throw new UnsupportedOperationException(
          "archivers only write segments; SegmentReader reads them");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof SnappyBlock;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  private static final class NullBlock extends Codec {
    @Override
    public String getName() {
      return "null";
    }

    @Override
    public ByteBuffer compress(ByteBuffer in) {
      return in;
    }

    @Override
    public ByteBuffer decompress(ByteBuffer in) {
      return in;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof NullBlock;
    }

    @Override
    public int hashCode() {
      return 2;
    }
  }
}
