package io.rewind.client.store;

/** A file in the store: its key relative to the store's root, size and last-modified time. */
public final class StoredObject {

  private final String key;
  private final long size;
  private final long modifiedAt;

  public StoredObject(String key, long size, long modifiedAt) {
    this.key = key;
    this.size = size;
    this.modifiedAt = modifiedAt;
  }

  public String key() {
    return key;
  }

  public long size() {
    return size;
  }

  public long modifiedAt() {
    return modifiedAt;
  }

  @Override
  public String toString() {
    return key + " (" + size + " bytes)";
  }
}
