package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

class PendingEditOrderTest {

  private static byte[] row(int... bytes) {
    byte[] r = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      r[i] = (byte) bytes[i];
    }
    return r;
  }

  @Test
  void rowsSortAsHBaseSortsThemUnsignedWithPrefixesAndLengthsThatTie() {
    List<byte[]> rows = new ArrayList<>(List.of(
        row(), row(0), row(0, 0), row(0x61, 0x62), row(0x61, 0x62, 0), row(0xff), row(0x7f), row(0x80),
        row(1, 2, 3, 4, 5, 6, 7, 8), row(1, 2, 3, 4, 5, 6, 7, 8, 0), row(1, 2, 3, 4, 5, 6, 7, 8, 9), row(1, 2, 3, 4, 5, 6, 7, 8, 0xff)));
    Random random = new Random(5);
    for (int i = 0; i < 500; i++) {
      byte[] r = new byte[random.nextInt(12)];
      random.nextBytes(r);
      rows.add(r);
    }
    List<PartitionReplayer.PendingEdit> pending = new ArrayList<>();
    rows.forEach(r -> pending.add(new PartitionReplayer.PendingEdit(r, null)));

    pending.sort(PartitionReplayer.PendingEdit.BY_ROW);

    List<byte[]> expected = new ArrayList<>(rows);
    expected.sort(Bytes.BYTES_COMPARATOR);
    assertThat(pending).extracting(PartitionReplayer.PendingEdit::row).containsExactlyElementsOf(expected);
    for (int i = 1; i < pending.size(); i++) {
      boolean same = Bytes.equals(pending.get(i - 1).row(), pending.get(i).row());
      assertThat(PartitionReplayer.PendingEdit.BY_ROW.compare(pending.get(i - 1), pending.get(i)) == 0).isEqualTo(same);
    }
  }
}
