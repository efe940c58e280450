package io.rewind.client.store;

/**
 * An object's bytes and the version they were read at ({@link ObjectStore#readVersioned}): what a
 * conditional write ({@link ObjectStore#writeIfVersion}) compares with the object's version then.
 */
public final class Versioned {

  private final byte[] bytes;
  private final String version;

  public Versioned(byte[] bytes, String version) {
    this.bytes = bytes;
    this.version = version;
  }

  public byte[] bytes() {
    return bytes;
  }

  /** S3's ETag; on a local disk the SHA-256 of the bytes. */
  public String version() {
    return version;
  }
}
