package io.rewind.archiver;

import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.util.Locale;

/**
 * Named points of the archiver's commit protocol. Crash and zombie tests stop an archiver at one of
 * them on purpose (see {@link ProtocolHook}); production code only announces them.
 */
enum ProtocolPoint {
  /** A record was appended to an open segment that is not yet sealed. */
  MID_SEGMENT,
  /** A segment was sealed and is about to be written to the store. */
  SEGMENT_SEALED,
  /**
   * The segment is in the store; its manifest is not written yet (an orphan if the archiver dies
   * now).
   */
  SEGMENT_WRITTEN,
  /**
   * The manifest is written (the segment is committed); the archived record and offset commit
   * follow.
   */
  MANIFEST_WRITTEN;

  /** The name used in the test system property: {@code mid-segment}, {@code segment-written}... */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static ProtocolPoint ofLabel(String label) {
    for (ProtocolPoint p : values()) {
      if (p.label().equals(label.trim())) {
        return p;
      }
    }
    throw new RewindException(
        Kind.REFUSED,
        "unknown protocol point '"
            + label
            + "': use mid-segment, segment-sealed, segment-written or manifest-written");
  }
}
