package io.rewind.testkit.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One simulated WAL file: appended by the writer, read by its queue's shipper. The name ends with
 * the creation time, as HBase's WAL names do; a closed (rolled or dead) WAL takes no more appends.
 */
final class SimWal {

  private final String name;
  private final long createdAt;
  private final List<SimWalRecord> records = new ArrayList<>();
  private boolean closed;

  SimWal(String walGroupId, long createdAt) {
    this.name = walGroupId + "." + createdAt;
    this.createdAt = createdAt;
  }

  String name() {
    return name;
  }

  long createdAt() {
    return createdAt;
  }

  synchronized void append(SimWalRecord record) {
    if (closed) {
      throw new IllegalStateException("WAL " + name + " is closed: appends go to the current WAL");
    }
    records.add(record);
  }

  synchronized void close() {
    closed = true;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  synchronized int size() {
    return records.size();
  }

  /**
   * True when the WAL is closed and {@code position} is at or past its end: nothing more will come
   * from it.
   */
  synchronized boolean fullyRead(int position) {
    return closed && position >= records.size();
  }

  synchronized List<SimWalRecord> read(int from, int max) {
    int to = Math.min(records.size(), from + max);
    return from >= to ? List.of() : new ArrayList<>(records.subList(from, to));
  }

  @Override
  public String toString() {
    return name;
  }
}
