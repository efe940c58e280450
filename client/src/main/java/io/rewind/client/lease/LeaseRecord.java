package io.rewind.client.lease;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code leases/leases.json}: every lease held on the store, one object written only by
 * compare-and-swap (self-checksummed). One object rather than one per table: a grant sees every
 * other lease in the same read, a set of tables is taken all at once or not at all, and the
 * sequence gives every grant a store-wide rising epoch.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class LeaseRecord {

  public static final int FORMAT_VERSION = 1;

  public int formatVersion = FORMAT_VERSION;

  /** Grows with every write; a grant's epoch is the sequence of the write that made it. */
  public long sequence;

  public long writtenAt;
  public List<LeaseEntry> leases = new ArrayList<>();
}
