package io.rewind.client.lease;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.rewind.client.time.TimeParser;
import java.util.ArrayList;
import java.util.List;

/**
 * One operation's lease, the composite value of {@code leases/leases.json}: what runs ({@link
 * #operation}), what it holds ({@link #resources}: {@code table:<ns>:<qualifier>}, {@code stream},
 * {@code restore-point:<name>}), who holds it (host, pid, and a per-process id since pids are
 * reused), its fencing {@link #epoch} and until when ({@link #expiresAt}, the holder's clock).
 * Fields are public for Jackson; the record is the contract that audit trails read: fields are
 * added, never renamed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class LeaseEntry {

  /** This lease's id (a UUID). */
  public String id;

  /**
   * The command that holds it: {@code base}, {@code base delete}, {@code retention}, {@code gc},
   * {@code compaction}, {@code restore-point}.
   */
  public String operation;

  /** What it holds; two leases conflict when they share one. */
  public List<String> resources = new ArrayList<>();

  public String host;
  public long pid;

  /** A UUID of the holding process: a pid can be reused after the holder died. */
  public String process;

  /**
   * The fencing token: the lease record's sequence when this lease was granted, so it grows with
   * every grant. Records a lease protects (index heads, the retention floor) carry the epoch they
   * were written under, and a holder that reads a higher one has lost its lease.
   */
  public long epoch;

  public long acquiredAt;
  public long renewedAt;

  /**
   * Epoch millis on the holder's clock; others add {@code lease.clock.skew.ms} before they take it
   * over.
   */
  public long expiresAt;

  /** "rewind base on host h (pid 12, epoch 7) until 10:05:03.123Z": for messages. */
  @JsonIgnore
  public String describe() {
    return "`rewind "
        + operation
        + "` on host "
        + host
        + " (pid "
        + pid
        + ", epoch "
        + epoch
        + ") until "
        + TimeParser.format(expiresAt);
  }

  @Override
  public String toString() {
    return operation + " " + resources + " epoch " + epoch + " by " + host + "/" + pid;
  }
}
