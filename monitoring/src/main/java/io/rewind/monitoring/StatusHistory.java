package io.rewind.monitoring;

import java.util.ArrayList;
import java.util.List;

/**
 * The recent RPO and archive lag, for the status page's chart: a ring of at most {@code capacity}
 * points, the oldest dropped first. Thread-safe.
 */
public final class StatusHistory {

  /**
   * One sample.
   *
   * @param rpoSeconds now minus the checkpoint, null when there was none
   * @param archiveLagSeconds the age of the oldest unarchived edit
   * @param archiveLagRecords edits not archived yet
   * @param alerts alerts active at that moment
   */
  public record Point(
      long time, Double rpoSeconds, double archiveLagSeconds, long archiveLagRecords, int alerts) {

    static Point of(StatusReport r) {
      Double rpo = r.checkpoint() == null ? null : r.checkpoint().rpoMs() / 1000.0;
      double lag = r.archive() == null ? 0 : r.archive().oldestUnarchivedAgeMs() / 1000.0;
      long records = r.archive() == null ? 0 : r.archive().unarchivedRecords();
      return new Point(r.generatedAt(), rpo, lag, records, r.alerts().size());
    }
  }

  private final Point[] ring;
  private int next;
  private int size;

  public StatusHistory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "a status history needs room for at least one point, got " + capacity);
    }
    this.ring = new Point[capacity];
  }

  public synchronized void add(Point p) {
    ring[next] = p;
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
  }

  /** The points, oldest first. */
  public synchronized List<Point> points() {
    List<Point> points = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      points.add(ring[(next - size + i + ring.length) % ring.length]);
    }
    return points;
  }

  public int capacity() {
    return ring.length;
  }
}
