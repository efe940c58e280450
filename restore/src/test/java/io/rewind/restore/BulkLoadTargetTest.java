package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

class BulkLoadTargetTest {

  @Test
  void aRowGoesToTheLastRegionStartingAtOrBeforeIt() {
    byte[][] starts = {new byte[0], {(byte) 0x40}, {(byte) 0x80}};

    assertThat(BulkLoadTarget.regionOf(starts, Bytes.toBytes("\u0001"))).isZero();
    assertThat(BulkLoadTarget.regionOf(starts, new byte[] {(byte) 0x40})).isEqualTo(1);
    assertThat(BulkLoadTarget.regionOf(starts, new byte[] {(byte) 0x7f, 1})).isEqualTo(1);
    assertThat(BulkLoadTarget.regionOf(starts, new byte[] {(byte) 0xff})).isEqualTo(2);
    assertThat(BulkLoadTarget.regionOf(new byte[][] {new byte[0]}, new byte[] {1})).isZero();
  }
}
