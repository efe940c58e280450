package io.rewind.store.lease;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * {@code pins/<id>.json}: what a running restore reads, kept by retention and gc while the pin is
 * live. Unlike a lease it excludes nobody: retention and gc only delete less. Public fields for
 * Jackson; self-checksummed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class Pin {

  public String id;

  /** What holds it, e.g. "restore to 2026-11-21T10:05:00Z". */
  public String purpose;

  public String host;
  public long pid;
  public long createdAt;
  public long renewedAt;

  /** The holder's clock; readers add {@code lease.clock.skew.ms}. */
  public long expiresAt;

  /**
   * Per partition, the first offset the holder reads: nothing at or above it is deleted. Null:
   * every offset of every partition.
   */
  public Map<Integer, Long> partitions;

  /**
   * The bases the holder reads, as "table id"; null: every base of {@link #tables} (or of every
   * table when that is null too).
   */
  public List<String> bases;

  /** The tables whose bases are pinned when {@link #bases} is null; null: every table. */
  public List<String> tables;

  /**
   * Per table, the write time after which the holder reads its captured bulk loads; null: every
   * bulk load of {@link #tables} (or of every table when that is null too).
   */
  public Map<String, Long> bulkLoadsAfter;
}
