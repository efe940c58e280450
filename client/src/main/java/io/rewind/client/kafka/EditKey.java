package io.rewind.client.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Utils;

/**
 * Key of an edits record: the table name, a NUL byte (never part of a table name), the row. Every
 * edit of a row therefore lands in one partition.
 */
public final class EditKey {

  private EditKey() {}

  /**
   * The partition Kafka's producer sends a record of this key to (its built-in partitioner: murmur2
   * of the key): where a row's edits are, for whoever must find them by row (a restore routing a
   * bulk load's cells).
   */
  public static int partition(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  public static byte[] of(String table, byte[] row) {
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(t, t.length + 1 + row.length);
    System.arraycopy(row, 0, key, t.length + 1, row.length);
    return key;
  }
}
