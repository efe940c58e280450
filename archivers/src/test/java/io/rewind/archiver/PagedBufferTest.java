package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PagedBufferTest {

  @Test
  void holdsWhatWasWrittenAcrossPagesAndStartsOverAfterReset() {
    Random rng = new Random(3);
    SegmentFileBuilder.PagedBuffer paged = new SegmentFileBuilder.PagedBuffer();
    for (int round = 0; round < 2; round++) {
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      while (plain.size() < 900_000) {
        byte[] chunk = new byte[rng.nextInt(70_000)];
        rng.nextBytes(chunk);
        int off = chunk.length == 0 ? 0 : rng.nextInt(chunk.length);
        paged.write(chunk, off, chunk.length - off);
        plain.write(chunk, off, chunk.length - off);
        paged.write(7);
        plain.write(7);
      }
      assertThat(paged.size()).isEqualTo(plain.size());
      assertThat(paged.toByteArray()).isEqualTo(plain.toByteArray());
      paged.reset();
      assertThat(paged.size()).isZero();
    }
  }
}
