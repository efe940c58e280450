package io.rewind.client.base;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One HFile of a base. HFiles are immutable and their names unique, so a file stored by an earlier
 * base with the same name, size and checksum is the same file: later bases point at it instead of
 * copying it again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class BaseImageFile {

  /** Encoded name of the snapshot region holding the file. */
  public String region;

  public String family;

  /** The HFile's name in HBase. */
  public String name;

  /** Size in HBase, bytes. */
  public long size;

  /** The source file system's checksum (HDFS's MD5-of-CRC), or the SHA-256 where it has none. */
  public String sourceChecksum;

  /** SHA-256 of the HFile's bytes, checked when a restore reads it back. */
  public String sha256;

  /** Where the file is stored, relative to the store's root. */
  public String key;

  /** Bytes in the store (after {@link #codec}). */
  public long storedBytes;

  /** zstd or none. */
  public String codec;

  /**
   * SHA-256 of the stored bytes (compressed, and sealed when {@link #keyId} is set), so the stored
   * copy can be checked without its key; null for files stored before it was recorded.
   */
  public String storedSha256;

  /**
   * Id of the key that sealed the stored bytes ({@link StoredFiles}), or null when they are not
   * encrypted.
   */
  public String keyId;

  /** The file's MAX_SEQ_ID from its metadata: a restore loads a store's files oldest first. */
  public long maxSeqId;

  /** Same name, size and checksum: the same HFile. */
  public boolean sameContentAs(BaseImageFile other) {
    return name.equals(other.name)
        && size == other.size
        && sourceChecksum != null
        && sourceChecksum.equals(other.sourceChecksum);
  }
}
