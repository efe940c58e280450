package io.rewind.restore;

import io.rewind.store.dump.DumpCell;
import java.util.List;

/**
 * One row as the replay left it: the winning put of each (family, qualifier, timestamp) in
 * sequence-id order (masked ones included), the delete markers, and what a read returns. Writing
 * the puts and the markers into HBase, in any order, gives back exactly {@link #visibleCells()}:
 * HBase applies markers at read time whatever their arrival order, and only one put per key is
 * written. With KEEP_DELETED_CELLS the target then also answers time-range reads as the source did.
 */
public record RestoredRow(
    byte[] row,
    List<DumpCell> puts,
    List<DeleteMarker> deleteMarkers,
    List<DumpCell> visibleCells) {}
