package io.rewind.store.point;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A named restore point ({@code restore-points/<name>.json}, self-checksummed, written once):
 * {@code rewind restore --to-point NAME} restores its tables to its time, and retention keeps what
 * that restore needs until the point is deleted. Public fields for Jackson; fields are added, never
 * renamed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class RestorePoint {

  public String name;

  /**
   * T: the point restores every edit written at or before it (epoch millis, the requester's clock).
   */
  public long time;

  public String timeIso;

  /** The tables it is for; empty: every table the store backs up. */
  public List<String> tables = new ArrayList<>();

  /** The request's id on the control topic. */
  public String requestId;

  /** When the request was sent and when the point was committed (requester's clock). */
  public long requestedAt;

  public long completedAt;

  /** The checkpoint C that passed T, as read when the point completed. */
  public long checkpointAtCompletion;

  public String checkpointAtCompletionIso;

  /**
   * Queues the latest cluster snapshot listed, and how many had claimed past T when it completed.
   */
  public int queues;

  public int queuesAnswered;
  public String host;
  public long pid;

  /** The epoch of the lease on the point's name it was committed under. */
  public long leaseEpoch;
}
