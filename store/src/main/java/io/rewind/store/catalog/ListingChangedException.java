package io.rewind.store.catalog;

import java.io.IOException;

/**
 * A manifest that a listing named was gone when it was read: the compactor deleted it meanwhile (it
 * was merged into a coarser one). What was read with that listing is incomplete, never to be used
 * as it is; the reader starts over from the index, which names the merged manifest by then.
 */
public final class ListingChangedException extends IOException {

  public ListingChangedException(String key) {
    super(
        "manifest "
            + key
            + " was listed but is gone: the compactor merged it away meanwhile; read the index again");
  }
}
