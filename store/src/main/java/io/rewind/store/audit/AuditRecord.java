package io.rewind.store.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One record of the audit trail ({@link AuditLog}): the start or the end of a command that changes
 * or restores from the store. Written once to its own key, never rewritten, self-checksummed.
 * Fields are public for Jackson (a contract: add, never rename).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public final class AuditRecord {

  public static final int FORMAT_VERSION = 1;
  public static final String START = "start";
  public static final String END = "end";

  public int formatVersion = FORMAT_VERSION;

  /** The operation's id, shared by its start and end records. */
  public String id;

  /** {@link #START} or {@link #END}. */
  public String phase;

  /** The command, e.g. {@code restore}, {@code base delete}, {@code retention}. */
  public String command;

  /** What it was asked to do, in words (the times, windows and options that matter). */
  public String what;

  public List<String> tables = new ArrayList<>();

  /** The OS user that ran it. */
  public String user;

  public String host;

  /** The Kafka principal of its configuration (SASL user name), when it has one. */
  public String kafkaPrincipal;

  public long startedAt;
  public String startedAtIso;

  /** End records: when it ended. */
  public Long endedAt;

  public String endedAtIso;

  /** {@code started}, then {@code ok}, {@code failed} or {@code refused}. */
  public String outcome;

  /** End records of a command that did not succeed: why. */
  public String error;

  /** What it did (counts, objects deleted, the restore's figures). */
  public Map<String, Object> details = new TreeMap<>();
}
