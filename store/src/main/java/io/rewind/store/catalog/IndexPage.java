package io.rewind.store.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.rewind.client.store.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * Older entries of a partition's manifest index, written once to its final key and never changed.
 */
@JsonPropertyOrder(alphabetic = true)
public final class IndexPage {

  public int formatVersion = IndexHead.FORMAT_VERSION;
  public int partition;
  public long startOffset;
  public long endOffset;
  public List<Manifest> entries = new ArrayList<>();
}
