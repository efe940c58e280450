package io.rewind.store.catalog;

import java.io.IOException;

/** A page the index head names is missing or torn: the head is rebuilt from the manifests. */
public final class IndexPageException extends IOException {

  private final String key;

  public IndexPageException(String key) {
    super(
        "index page "
            + key
            + " is missing or torn: the partition's index is read again from its manifests (the compactor,"
            + " rewind compact, rebuilds it)");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
