package io.rewind.store.audit;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import io.rewind.client.store.StoredObject;
import io.rewind.client.time.TimeParser;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;

/**
 * The store's audit trail: every command that changes or restores from the store appends a record
 * when it starts and another when it ends (who: OS user, host and Kafka principal; what; tables;
 * times; outcome). Each record is its own object, written once to a key never used again and never
 * rewritten (a crash leaves a start without an end, shown as such), under a directory per UTC day:
 *
 * <pre>
 * audit/dt=&lt;yyyy-mm-dd&gt;/&lt;startedAt, 13 digits&gt;-&lt;id&gt;-start.json
 * audit/dt=&lt;yyyy-mm-dd&gt;/&lt;startedAt, 13 digits&gt;-&lt;id&gt;-end.json      (same day as its start)
 * </pre>
 *
 * <p>So listing from a time reads the day directories from that day on (one listing of {@code
 * audit/}, then one per day), never the whole trail. A store policy can grant a role PutObject on
 * {@code audit/*} without DeleteObject, and S3 Object Lock can make the prefix immutable.
 */
public final class AuditLog {

  public static final String ROOT = "audit";
  private static final Pattern DAY = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})");
  private static final Pattern JAAS_USER = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

  private final ObjectStore store;
  private final String user;
  private final String host;
  private final String principal;

  public AuditLog(ObjectStore store, RewindConfig config) {
    this(store, System.getProperty("user.name"), hostName(), principal(config));
  }

  AuditLog(ObjectStore store, String user, String host, String principal) {
    this.store = store;
    this.user = user;
    this.host = host;
    this.principal = principal;
  }

  /**
   * The SASL user name of the configured Kafka clients ({@code kafka.sasl.jaas.config}), or null.
   */
  static String principal(RewindConfig config) {
    String jaas = config.getOrDefault("kafka.sasl.jaas.config", "");
    Matcher m = JAAS_USER.matcher(jaas);
    return m.find() ? "User:" + m.group(1) : null;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Appends the start of an operation.
   *
   * @throws IOException when the record cannot be written: the command must not run unaudited
   */
  public Operation begin(String command, Collection<String> tables, String what)
      throws IOException {
    AuditRecord r = new AuditRecord();
    r.id = UUID.randomUUID().toString().substring(0, 8);
    r.phase = AuditRecord.START;
    r.command = command;
    r.what = what;
    r.tables = new ArrayList<>(tables);
    r.user = user;
    r.host = host;
    r.kafkaPrincipal = principal;
    r.startedAt = System.currentTimeMillis();
    r.startedAtIso = TimeParser.format(r.startedAt);
    r.outcome = "started";
    try {
      write(r);
    } catch (IOException e) {
      throw new IOException(
          "cannot append the audit record of '"
              + command
              + "' to "
              + store.uri()
              + "/"
              + ROOT
              + " ("
              + e.getMessage()
              + "): every command that changes or restores from the store records itself there; grant this role writes to audit/*"
              + " (docs/operations.md, \"Audit trail\")",
          e);
    }
    return new Operation(r);
  }

  /** One operation under way: {@link #end} appends its outcome once. */
  public final class Operation {
    private final AuditRecord start;
    private boolean ended;

    private Operation(AuditRecord start) {
      this.start = start;
    }

    public String id() {
      return start.id;
    }

    /**
     * Appends the end record; later calls do nothing.
     *
     * @param outcome ok, failed or refused
     */
    public synchronized void end(String outcome, String error, Map<String, Object> details)
        throws IOException {
      if (ended) {
        return;
      }
      ended = true;
      AuditRecord r = new AuditRecord();
      r.id = start.id;
      r.phase = AuditRecord.END;
      r.command = start.command;
      r.what = start.what;
      r.tables = start.tables;
      r.user = start.user;
      r.host = start.host;
      r.kafkaPrincipal = start.kafkaPrincipal;
      r.startedAt = start.startedAt;
      r.startedAtIso = start.startedAtIso;
      r.endedAt = System.currentTimeMillis();
      r.endedAtIso = TimeParser.format(r.endedAt);
      r.outcome = outcome;
      r.error = error;
      if (details != null) {
        r.details.putAll(details);
      }
      write(r);
    }
  }

  private void write(AuditRecord r) throws IOException {
    store.write(key(r), SelfChecksummedJson.encode(r));
  }

  static String key(AuditRecord r) {
    return String.format(
        Locale.ROOT, "%s/%013d-%s-%s.json", dayDir(r.startedAt), r.startedAt, r.id, r.phase);
  }

  static String dayDir(long time) {
    return ROOT + "/dt=" + Instant.ofEpochMilli(time).atZone(ZoneOffset.UTC).toLocalDate();
  }

  /**
   * The operations started at or after {@code since} (null: all), oldest first, each as its end
   * record when there is one, else its start record (outcome {@code started}: still running, or its
   * process died). A record that is torn or tampered with is returned as a start-less entry with
   * outcome {@code unreadable}.
   */
  public List<AuditRecord> list(Long since) throws IOException {
    LocalDate from =
        since == null ? null : Instant.ofEpochMilli(since).atZone(ZoneOffset.UTC).toLocalDate();
    Map<String, AuditRecord> byOperation = new LinkedHashMap<>();
    for (FileStatus day : store.list(ROOT)) {
      Matcher m = DAY.matcher(day.getPath().getName());
      if (!m.matches() || (from != null && LocalDate.parse(m.group(1)).isBefore(from))) {
        continue;
      }
      for (StoredObject o : store.listFiles(ROOT + "/" + day.getPath().getName())) {
        Optional<AuditRecord> r;
        try {
          r = SelfChecksummedJson.decode(store.read(o.key()), AuditRecord.class);
        } catch (FileNotFoundException e) {
          continue;
        }
        if (r.isEmpty()) {
          AuditRecord unreadable = new AuditRecord();
          unreadable.id = o.key();
          unreadable.outcome = "unreadable";
          unreadable.error =
              o.key() + " does not match its checksum: the trail was damaged or tampered with";
          byOperation.put(o.key(), unreadable);
          continue;
        }
        AuditRecord record = r.get();
        if (since != null && record.startedAt < since) {
          continue;
        }
        AuditRecord known = byOperation.get(record.id);
        if (known == null || AuditRecord.END.equals(record.phase)) {
          byOperation.put(record.id, record);
        }
      }
    }
    List<AuditRecord> operations = new ArrayList<>(byOperation.values());
    operations.sort((a, b) -> Long.compare(a.startedAt, b.startedAt));
    return operations;
  }
}
