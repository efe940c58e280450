package io.rewind.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class CellValuesTest {

  @Test
  void sameSeedGivesTheSameValues() {
    assertThat(values(CellValues.REALISTIC, 7, 2000))
        .containsExactlyElementsOf(values(CellValues.REALISTIC, 7, 2000));
    assertThat(join(values(CellValues.REALISTIC, 8, 2000)))
        .isNotEqualTo(join(values(CellValues.REALISTIC, 7, 2000)));
  }

  @Test
  void realisticValuesMixCountersTextAndDocumentsThatCompress() {
    List<byte[]> values = values(CellValues.REALISTIC, 42, 20_000);
    long counters = values.stream().filter(v -> v.length == Long.BYTES).count();
    long documents = values.stream().filter(v -> v.length >= 256).count();
    assertThat(counters).isBetween(20_000 * 20L / 100, 20_000 * 35L / 100);
    assertThat(documents).isBetween(20_000 * 2L / 100, 20_000 * 4L / 100);
    assertThat(
            values.stream().filter(v -> v.length >= 256).mapToInt(v -> v.length).max().getAsInt())
        .isLessThan(4096 + 400);
    byte[] all = join(values);
    assertThat(deflated(all)).as("realistic values compress").isLessThan(all.length / 3);
  }

  @Test
  void randomValuesKeepTheIncompressibleWorstCase() {
    List<byte[]> values = values(CellValues.RANDOM, 42, 20_000);
    assertThat(values)
        .as("small values are the former 'v' + n")
        .anySatisfy(v -> assertThat(v).isEqualTo("v7".getBytes()));
    byte[] big = join(values.stream().filter(v -> v.length >= 256).collect(Collectors.toList()));
    assertThat(big.length).isGreaterThan(100_000);
    assertThat(deflated(big))
        .as("uniformly random bytes do not compress")
        .isGreaterThan(big.length * 99 / 100);
  }

  private static List<byte[]> values(CellValues kind, long seed, int n) {
    Random rng = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(kind.next(rng, i));
    }
    return out;
  }

  private static byte[] join(List<byte[]> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    values.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static int deflated(byte[] data) {
    Deflater d = new Deflater(6);
    d.setInput(data);
    d.finish();
    byte[] buf = new byte[data.length + 1024];
    int n = 0;
    while (!d.finished()) {
      n += d.deflate(buf, n, buf.length - n);
    }
    d.end();
    return n;
  }
}
