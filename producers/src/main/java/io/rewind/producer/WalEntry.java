package io.rewind.producer;

import io.rewind.schemas.QueueId;
import java.util.List;
import java.util.Objects;

/**
 * One WAL entry: a region's mini-batch, with the WALKey's write time and sequence id, from the
 * replication queue that ships it. It may hold cells of several rows. Plain data, independent of
 * HBase's classes, so the simulator and the replication endpoint publish through one path.
 */
public final class WalEntry {

  private final String table;
  private final String encodedRegion;
  private final long writeTime;
  private final long sequenceId;
  private final QueueId queue;
  private final List<WalCell> cells;

  public WalEntry(
      String table,
      String encodedRegion,
      long writeTime,
      long sequenceId,
      QueueId queue,
      List<WalCell> cells) {
    this.table = Objects.requireNonNull(table, "table");
    this.encodedRegion = Objects.requireNonNull(encodedRegion, "encodedRegion");
    this.writeTime = writeTime;
    this.sequenceId = sequenceId;
    Objects.requireNonNull(queue, "queue");
    // A copy (Avro records are mutable) by constructor: a builder's validating deep copy cost more
    // than the entry.
    this.queue = new QueueId(queue.getServer(), queue.getWalGroup());
    this.cells = List.copyOf(cells);
  }

  /** namespace:qualifier */
  public String table() {
    return table;
  }

  public String encodedRegion() {
    return encodedRegion;
  }

  /** The WALKey write time, epoch millis, from the region server's clock. */
  public long writeTime() {
    return writeTime;
  }

  /** The region's sequence id: with the region it identifies the entry across re-shipments. */
  public long sequenceId() {
    return sequenceId;
  }

  public QueueId queue() {
    return queue;
  }

  public List<WalCell> cells() {
    return cells;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WalEntry)) {
      return false;
    }
    WalEntry e = (WalEntry) o;
    return writeTime == e.writeTime
        && sequenceId == e.sequenceId
        && table.equals(e.table)
        && encodedRegion.equals(e.encodedRegion)
        && queue.equals(e.queue)
        && cells.equals(e.cells);
  }

  @Override
  public int hashCode() {
    return Objects.hash(table, encodedRegion, writeTime, sequenceId, queue, cells);
  }

  @Override
  public String toString() {
    return table
        + "/"
        + encodedRegion
        + "#"
        + sequenceId
        + "@"
        + writeTime
        + " "
        + cells.size()
        + " cells";
  }
}
