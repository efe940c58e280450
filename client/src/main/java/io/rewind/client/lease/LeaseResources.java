package io.rewind.client.lease;

/** The names leases hold: two leases conflict when they share one. */
public final class LeaseResources {

  /**
   * The archived stream: segments, manifests, the index and the retention floor. Held by a
   * compaction pass, by gc and by retention while it deletes segments; not by the archivers, which
   * only add (their consumer group fences them).
   */
  public static final String STREAM = "stream";

  /**
   * Conflicts with every resource: what an unreadable lease record stands for until it is replaced.
   */
  public static final String EVERYTHING = "*";

  private LeaseResources() {}

  /**
   * A table's bases and their HFiles: held by base, base delete, and retention while it deletes the
   * table's bases.
   */
  public static String table(String table) {
    return "table:" + (table.indexOf(':') < 0 ? "default:" + table : table);
  }

  /** A restore point's name: held while it is created or deleted. */
  public static String restorePoint(String name) {
    return "restore-point:" + name;
  }
}
