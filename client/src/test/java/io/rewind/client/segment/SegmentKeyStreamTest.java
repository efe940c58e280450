package io.rewind.client.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RWE2: the chunked, streaming sealed format of {@link SegmentKey#encryptingStream}. */
class SegmentKeyStreamTest {

  private static final String PATH = "segments/p=3/100-200.avro";
  private static final int CHUNK = 1 << 20;
  private static final int HEADER = SealedChunks.HEADER_BYTES;
  private static final int SEALED_CHUNK = CHUNK + SealedChunks.TAG_BYTES;

  private final SegmentKey key = SegmentKey.of("k1", bytes(32, 1));

  @Test
  void roundTripsEverySizeAroundTheChunkBoundary() throws IOException {
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 12345}) {
      byte[] plain = bytes(size, size);

      byte[] sealed = seal(key, plain, PATH);

      assertThat(open(key, sealed, PATH)).as("size %d", size).isEqualTo(plain);
      int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
      assertThat(sealed)
          .as("size %d: header, then each chunk and its tag", size)
          .hasSize(HEADER + size + chunks * SealedChunks.TAG_BYTES);
    }
  }

  @Test
  void writesInAnySliceSizeGiveTheSamePlaintextBack() throws IOException {
    byte[] plain = bytes(3 * CHUNK + 7, 9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Random random = new Random(4);
    try (OutputStream sealing = key.encryptingStream(out, PATH)) {
      for (int at = 0; at < plain.length; ) {
        int n = Math.min(plain.length - at, random.nextInt(CHUNK / 3) + 1);
        if (n == 1) {
          sealing.write(plain[at]);
        } else {
          sealing.write(plain, at, n);
        }
        at += n;
      }
    }

    InputStream opening = key.decryptingStream(new ByteArrayInputStream(out.toByteArray()), PATH);
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    byte[] buffer = new byte[777];
    for (int n; (n = opening.read(buffer, 0, random.nextInt(buffer.length) + 1)) >= 0; ) {
      back.write(buffer, 0, n);
    }
    assertThat(back.toByteArray()).isEqualTo(plain);
  }

  @Test
  void twoSealsOfTheSameBytesDifferButBothOpen() throws IOException {
    byte[] plain = bytes(1000, 2);

    byte[] a = seal(key, plain, PATH);
    byte[] b = seal(key, plain, PATH);

    assertThat(a).isNotEqualTo(b);
    assertThat(open(key, a, PATH)).isEqualTo(plain);
    assertThat(open(key, b, PATH)).isEqualTo(plain);
  }

  @Test
  void aTruncatedObjectFailsNamingThePath() throws IOException {
    byte[] sealed = seal(key, bytes(2 * CHUNK + 100, 3), PATH);

    // Inside the last chunk, at a chunk boundary (the last chunk dropped), inside the header.
    for (int length :
        new int[] {
          sealed.length - 1, HEADER + 2 * SEALED_CHUNK, HEADER + SEALED_CHUNK, HEADER, HEADER - 1
        }) {
      assertThatThrownBy(() -> open(key, Arrays.copyOf(sealed, length), PATH))
          .as("truncated to %d bytes", length)
          .isInstanceOf(CorruptSegmentException.class)
          .hasMessageContaining(PATH);
    }
  }

  @Test
  void aFlippedByteAnywhereFailsNamingThePath() throws IOException {
    byte[] sealed = seal(key, bytes(2 * CHUNK + 100, 4), PATH);

    for (int at :
        new int[] {
          5,
          SealedChunks.CHECK_OFFSET - 1,
          HEADER + 10,
          HEADER + SEALED_CHUNK + 3,
          sealed.length - 1
        }) {
      byte[] damaged = sealed.clone();
      damaged[at] ^= 0x20;
      assertThatThrownBy(() -> open(key, damaged, PATH))
          .as("byte %d flipped", at)
          .isInstanceOfAny(CorruptSegmentException.class, SegmentKeyException.class)
          .hasMessageContaining(PATH);
    }
  }

  @Test
  void swappedChunksFailNamingThePathBeforeAnyByteOfTheSwappedChunkIsReturned() throws IOException {
    byte[] plain = bytes(3 * CHUNK, 5);
    byte[] sealed = seal(key, plain, PATH);
    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, HEADER + SEALED_CHUNK, swapped, HEADER, SEALED_CHUNK);
    System.arraycopy(sealed, HEADER, swapped, HEADER + SEALED_CHUNK, SEALED_CHUNK);

    assertThatThrownBy(() -> open(key, swapped, PATH))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(PATH)
        .hasMessageContaining("chunk 0");
  }

  @Test
  void aChunkFromAnotherObjectOrAnAppendedOneFails() throws IOException {
    byte[] first = seal(key, bytes(2 * CHUNK, 6), PATH);
    byte[] second = seal(key, bytes(2 * CHUNK, 6), PATH);
    byte[] spliced = first.clone();
    System.arraycopy(second, HEADER + SEALED_CHUNK, spliced, HEADER + SEALED_CHUNK, SEALED_CHUNK);
    byte[] extended = Arrays.copyOf(first, first.length + SEALED_CHUNK);
    System.arraycopy(second, HEADER + SEALED_CHUNK, extended, first.length, SEALED_CHUNK);

    assertThatThrownBy(() -> open(key, spliced, PATH))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining("chunk 1");
    assertThatThrownBy(() -> open(key, extended, PATH))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining(PATH);
  }

  @Test
  void anObjectReadUnderAnotherPathFails() throws IOException {
    byte[] sealed = seal(key, bytes(100, 7), PATH);

    assertThatThrownBy(() -> open(key, sealed, "segments/p=3/200-300.avro"))
        .isInstanceOf(CorruptSegmentException.class)
        .hasMessageContaining("segments/p=3/200-300.avro")
        .hasMessageContaining("another name");
  }

  @Test
  void anotherKeyIsToldApartFromDamage() throws IOException {
    byte[] sealed = seal(key, bytes(100, 8), PATH);

    assertThatThrownBy(() -> open(SegmentKey.of("k1", bytes(32, 2)), sealed, PATH))
        .isInstanceOf(SegmentKeyException.class)
        .hasMessageContaining(PATH)
        .hasMessageContaining("wrong key material");
  }

  @Test
  void theFirstBytesComeAfterOneChunkIsReadWhateverTheObjectsSize() throws IOException {
    byte[] sealed = seal(key, bytes(20 * CHUNK, 9), PATH);
    CountingStream counting = new CountingStream(new ByteArrayInputStream(sealed));

    InputStream opening = key.decryptingStream(counting, PATH);
    assertThat(opening.read()).isGreaterThanOrEqualTo(0);

    // The header, the first chunk and one byte of the second, to learn that the first is not the
    // last.
    assertThat(counting.count).isEqualTo(HEADER + SEALED_CHUNK + 1);
  }

  @Test
  void smallChunksRoundTripToo() throws IOException {
    byte[] plain = bytes(1000, 10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream sealing = key.encryptingStream(out, PATH, 7)) {
      sealing.write(plain);
    }

    assertThat(open(key, out.toByteArray(), PATH)).isEqualTo(plain);
    assertThatThrownBy(() -> key.encryptingStream(new ByteArrayOutputStream(), PATH, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] seal(SegmentKey key, byte[] plain, String path) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream sealing = key.encryptingStream(out, path)) {
      sealing.write(plain);
    }
    return out.toByteArray();
  }

  private static byte[] open(SegmentKey key, byte[] sealed, String path) throws IOException {
    try (InputStream in = key.decryptingStream(new ByteArrayInputStream(sealed), path)) {
      return in.readAllBytes();
    }
  }

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }
  }
}
