package io.rewind.testkit.sim;

/**
 * A simulated region: a row range of a table, hosted by one server at a time. Its sequence ids keep
 * rising across moves (a region opens with a sequence id above every one it wrote before).
 */
final class SimRegion {

  private static final long OPEN_SEQUENCE_BUMP = 1000;

  private final SimTable table;
  private final String encodedName;
  private final int startRow;
  private final int endRow;
  private long nextSequenceId;
  private SimServer host;

  SimRegion(SimTable table, String encodedName, int startRow, int endRow, long firstSequenceId) {
    this.table = table;
    this.encodedName = encodedName;
    this.startRow = startRow;
    this.endRow = endRow;
    this.nextSequenceId = firstSequenceId;
  }

  SimTable table() {
    return table;
  }

  String encodedName() {
    return encodedName;
  }

  int startRow() {
    return startRow;
  }

  int endRow() {
    return endRow;
  }

  SimServer host() {
    return host;
  }

  long nextSequenceId() {
    return nextSequenceId++;
  }

  /** Opens the region on a server: on a move, the sequence ids jump ahead, never back. */
  void openOn(SimServer server) {
    if (host != null) {
      nextSequenceId += OPEN_SEQUENCE_BUMP;
    }
    host = server;
  }
}
