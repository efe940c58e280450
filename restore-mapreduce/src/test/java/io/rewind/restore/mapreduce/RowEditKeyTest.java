package io.rewind.restore.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowEditKeyTest {

  private final RowEditKey.Comparator order = new RowEditKey.Comparator();
  private final RowEditKey.RowComparator rows = new RowEditKey.RowComparator();

  @Test
  void serializedKeysSortAsTheLocalSortDoesKeyAsUnsignedBytesThenOffset() throws IOException {
    Random random = new Random(7);
    List<RowEditKey> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      byte[] key = new byte[random.nextInt(6)];
      for (int j = 0; j < key.length; j++) {
        key[j] = (byte) (random.nextBoolean() ? random.nextInt(256) : 0xff);
      }
      keys.add(new RowEditKey(key, random.nextInt(4) == 0 ? Long.MIN_VALUE : random.nextInt(1000)));
    }
    for (RowEditKey a : keys) {
      byte[] sa = bytes(a);
      for (RowEditKey b : keys.subList(0, 60)) {
        byte[] sb = bytes(b);
        int expected = Integer.signum(local(a, b));
        assertThat(Integer.signum(order.compare(sa, 0, sa.length, sb, 0, sb.length)))
            .isEqualTo(expected);
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(expected);
        int sameRow =
            Integer.signum(
                Arrays.compareUnsigned(a.bytes(), 0, a.length(), b.bytes(), 0, b.length()));
        assertThat(Integer.signum(rows.compare(sa, 0, sa.length, sb, 0, sb.length)))
            .isEqualTo(sameRow);
        assertThat(Integer.signum(rows.compare(a, b))).isEqualTo(sameRow);
      }
    }
  }

  @Test
  void aRegionsSplitPointSortsBeforeEveryEditOfItsFirstRowAndAfterEveryRowBeforeIt() {
    RowEditKey split = new RowEditKey(new byte[] {'t', 0, 'b'}, Long.MIN_VALUE);
    assertThat(split.compareTo(new RowEditKey(new byte[] {'t', 0, 'b'}, 0))).isNegative();
    assertThat(
            split.compareTo(new RowEditKey(new byte[] {'t', 0, 'a', (byte) 0xff}, Long.MAX_VALUE)))
        .isPositive();
    assertThat(split.compareTo(new RowEditKey(new byte[] {'t', 0, 'b', 0}, 0))).isNegative();
  }

  private static int local(RowEditKey a, RowEditKey b) {
    int c = Arrays.compareUnsigned(a.bytes(), 0, a.length(), b.bytes(), 0, b.length());
    return c != 0 ? c : Long.compare(a.offset(), b.offset());
  }

  private static byte[] bytes(RowEditKey k) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    k.write(new DataOutputStream(out));
    return out.toByteArray();
  }
}
