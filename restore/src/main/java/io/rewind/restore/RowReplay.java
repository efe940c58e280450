package io.rewind.restore;

import io.rewind.schemas.Cell;
import io.rewind.schemas.WalEdit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The replay rules for the edits of one row: applied in sequence-id order (a region's sequence
 * ids keep rising across moves and splits, so this is the order HBase applied them in), and an
 * edit re-shipped after a region-server crash (same region, sequence id and part) applied once.
 */
final class RowReplay {

  private static final Comparator<WalEdit> ORDER =
      Comparator.comparingLong(WalEdit::getSequenceId).thenComparingInt(WalEdit::getPart);

  private RowReplay() {}

  /** Applies the edits to the image; returns how many duplicates were skipped. */
  static int replay(List<WalEdit> edits, RowImage image) {
    List<WalEdit> ordered = new ArrayList<>(edits);
    ordered.sort(ORDER);
    Set<EntryId> seen = new HashSet<>();
    int duplicates = 0;
    for (WalEdit edit : ordered) {
      if (!seen.add(new EntryId(edit.getRegion(), edit.getSequenceId(), edit.getPart()))) {
        duplicates++;
        continue;
      }
      for (Cell cell : edit.getCells()) {
        image.apply(cell);
      }
    }
    return duplicates;
  }

  private static final class EntryId {
    final String region;
    final long sequenceId;
    final int part;

    EntryId(String region, long sequenceId, int part) {
      this.region = region;
      this.sequenceId = sequenceId;
      this.part = part;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof EntryId)) {
        return false;
      }
      EntryId e = (EntryId) o;
      return sequenceId == e.sequenceId && part == e.part && region.equals(e.region);
    }

    @Override
    public int hashCode() {
      return Objects.hash(region, sequenceId, part);
    }
  }
}
