package io.rewind.restore;

import io.rewind.schemas.Cell;
import io.rewind.schemas.WalEdit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The replay rules for the edits of one row: applied in sequence-id order (a region's sequence ids
 * keep rising across moves and splits, so this is the order HBase applied them in), and an edit
 * re-shipped after a region-server crash (same region, sequence id and part) applied once.
 */
final class RowReplay {

  private static final Comparator<WalEdit> ORDER =
      Comparator.comparingLong(WalEdit::getSequenceId).thenComparingInt(WalEdit::getPart);

  private RowReplay() {}

  /** Applies the edits to the image; returns how many duplicates were skipped. */
  static int replay(List<WalEdit> edits, RowImage image) {
    if (edits.size() == 1) {
      apply(edits.get(0), image);
      return 0;
    }
    List<WalEdit> ordered = new ArrayList<>(edits);
    ordered.sort(ORDER);
    int duplicates = 0;
    for (int i = 0; i < ordered.size(); i++) {
      WalEdit edit = ordered.get(i);
      if (isRepeat(ordered, i)) {
        duplicates++;
        continue;
      }
      apply(edit, image);
    }
    return duplicates;
  }

  /**
   * True when an earlier edit in the order has the same (region, sequence id, part): a re-shipped
   * copy. Equal (sequence id, part) are adjacent in the order, so only those are compared.
   */
  private static boolean isRepeat(List<WalEdit> ordered, int i) {
    WalEdit edit = ordered.get(i);
    for (int j = i - 1; j >= 0; j--) {
      WalEdit earlier = ordered.get(j);
      if (earlier.getSequenceId() != edit.getSequenceId() || earlier.getPart() != edit.getPart()) {
        return false;
      }
      if (earlier.getRegion().equals(edit.getRegion())) {
        return true;
      }
    }
    return false;
  }

  private static void apply(WalEdit edit, RowImage image) {
    for (Cell cell : edit.getCells()) {
      image.apply(cell);
    }
  }
}
