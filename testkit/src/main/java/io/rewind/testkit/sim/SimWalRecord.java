package io.rewind.testkit.sim;

import io.rewind.producer.WalEntry;

/**
 * What a simulated WAL holds: an edit entry, or a replication marker entry written by the marker
 * chore (a progress signal with a write time, never published as an edit).
 */
final class SimWalRecord {

  private final WalEntry entry;
  private final long writeTime;

  private SimWalRecord(WalEntry entry, long writeTime) {
    this.entry = entry;
    this.writeTime = writeTime;
  }

  static SimWalRecord edit(WalEntry entry) {
    return new SimWalRecord(entry, entry.writeTime());
  }

  static SimWalRecord marker(long writeTime) {
    return new SimWalRecord(null, writeTime);
  }

  boolean isMarker() {
    return entry == null;
  }

  /** The entry; null for a marker. */
  WalEntry entry() {
    return entry;
  }

  long writeTime() {
    return writeTime;
  }
}
