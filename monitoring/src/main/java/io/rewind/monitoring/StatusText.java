package io.rewind.monitoring;

import io.rewind.store.verify.RestoreTestRecord;
import java.util.Locale;

/**
 * {@code rewind status} for people: alerts first, then the checkpoint, queues, topics, groups and
 * the archive.
 */
public final class StatusText {

  private StatusText() {}

  public static String render(StatusReport r) {
    StringBuilder out = new StringBuilder();
    out.append("Rewind status at ")
        .append(r.generatedAtIso())
        .append("  (Kafka ")
        .append(r.bootstrapServers())
        .append(", store ")
        .append(r.storeUri() == null ? "not configured" : r.storeUri())
        .append(")\n\n");

    out.append("ALERTS\n");
    if (r.alerts().isEmpty()) {
      out.append("  none\n");
    }
    for (Alert a : r.alerts()) {
      out.append("  ")
          .append(a.severity().label().toUpperCase(Locale.ROOT))
          .append(' ')
          .append(a.id())
          .append(a.subject() == null ? "" : " [" + a.subject() + "]")
          .append(": ")
          .append(a.reason())
          .append('\n')
          .append("    what to do: ")
          .append(a.action())
          .append('\n');
    }

    out.append("\nCHECKPOINT\n");
    CheckpointState c = r.checkpoint();
    if (c == null) {
      out.append("  none published yet\n");
    } else {
      out.append("  ")
          .append(c.timeIso())
          .append("  RPO ")
          .append(Durations.text(c.rpoMs()))
          .append("  held by ")
          .append(c.heldBy() == null ? "-" : c.heldBy())
          .append(" (rule ")
          .append(c.rule())
          .append(")")
          .append("  queues ")
          .append(c.queues())
          .append("  from ")
          .append(c.source())
          .append(c.decreased() ? "  DECREASED" : "")
          .append('\n');
    }

    out.append("\nQUEUES (").append(r.queues().size()).append(")\n");
    TextTable queues = new TextTable("QUEUE", "CONTRIBUTION", "RULE", "LAST MARKER AGE", "");
    r.queues()
        .forEach(
            q ->
                queues.row(
                    q.queue(),
                    q.contributionIso(),
                    q.rule(),
                    q.lastMarkerAgeMs() == null ? null : Durations.text(q.lastMarkerAgeMs()),
                    q.holdsCheckpoint() ? "holds C" : ""));
    queues.appendTo(out, "  ");

    out.append("\nTOPICS\n");
    TextTable topics =
        new TextTable("TOPIC", "PARTITIONS", "RECORDS", "END OFFSETS", "SIZE", "RETENTION");
    for (TopicStatus t : r.topics()) {
      if (!t.exists()) {
        topics.row(t.name(), "missing");
        continue;
      }
      long ends = t.partitions().stream().mapToLong(TopicStatus.Partition::endOffset).sum();
      topics.row(
          t.name(),
          t.partitionCount(),
          t.records(),
          ends,
          bytes(t.sizeBytes()),
          retention(t.retentionMs()));
    }
    topics.appendTo(out, "  ");

    out.append("\nGROUPS\n");
    TextTable groups =
        new TextTable("GROUP", "ROLE", "STATE", "MEMBERS", "LAG RECORDS", "LAG SECONDS");
    r.groups()
        .forEach(
            g ->
                groups.row(
                    g.groupId(),
                    g.role(),
                    g.state(),
                    g.memberCount(),
                    g.lagRecords(),
                    String.format(Locale.ROOT, "%.1f", g.lagSeconds())));
    groups.appendTo(out, "  ");

    out.append("\nARCHIVE\n");
    ArchiveLag a = r.archive();
    if (a == null) {
      out.append("  unknown (the store cannot be read)\n");
    } else {
      out.append(
          String.format(
              Locale.ROOT,
              "  %d edits not archived yet, the oldest %s old (%.0f %% of the edits topic's retention %s)%n",
              a.unarchivedRecords(),
              Durations.text(a.oldestUnarchivedAgeMs()),
              a.retentionUsed() * 100,
              retention(a.retentionMs())));
    }

    out.append("\nSEGMENTS (newest committed per partition)\n");
    TextTable segments =
        new TextTable("PARTITION", "CHAIN", "MANIFESTS", "NEWEST", "RECORDS", "SIZE", "COMMITTED");
    for (PartitionSegments s : r.segments()) {
      PartitionSegments.Segment n = s.newest();
      segments.row(
          s.partition(),
          "[" + s.chainStart() + ", " + s.chainEnd() + ")",
          s.manifests(),
          n == null ? null : "[" + n.startOffset() + ", " + n.endOffset() + ")",
          n == null ? null : n.records(),
          n == null ? null : bytes(n.sizeBytes()),
          n == null ? null : n.committedAtIso());
    }
    segments.appendTo(out, "  ");

    out.append(
        "\nTABLES (earliest restorable point: the oldest base's completion, else the first archived edit)\n");
    TextTable tables =
        new TextTable("TABLE", "EARLIEST RESTORABLE", "ARCHIVED EDITS", "BASES", "NEWEST BASE");
    r.tables()
        .forEach(
            t ->
                tables.row(
                    t.table(),
                    t.earliestRestorableIso(),
                    t.archivedEdits(),
                    t.bases(),
                    t.latestBaseIso() == null ? "-" : t.latestBaseIso()));
    tables.appendTo(out, "  ");

    out.append("\nLAST RESTORE TEST (rewind verify --restore-test)\n");
    RestoreTestRecord t = r.restoreTest();
    if (t == null) {
      out.append("  none recorded in the store\n");
    } else {
      out.append("  ")
          .append(t.endedAtIso)
          .append("  ")
          .append(t.ok ? "OK" : "FAILED")
          .append("  ")
          .append(Durations.text(r.generatedAt() - t.endedAt))
          .append(" ago  ")
          .append(String.join(", ", t.tables))
          .append(" to ")
          .append(t.timeIso)
          .append("  restore time ")
          .append(Durations.text(t.restoreMs))
          .append('\n');
      if (!t.ok) {
        out.append("  ").append(t.error).append('\n');
      }
    }

    out.append("\nCLOCK SKEW (broker append time minus send time)\n");
    TextTable skew = new TextTable("PUBLISHER", "ESTIMATED", "MAX", "SAMPLES");
    r.clockSkew()
        .forEach(
            s ->
                skew.row(
                    s.publisher(),
                    s.estimatedSkewMs() + " ms",
                    s.maxSkewMs() + " ms",
                    s.samples()));
    skew.appendTo(out, "  ");

    WalBacklog w = r.walBacklog();
    out.append("\nSOURCE WAL BACKLOG");
    if (w == null) {
      out.append("\n  unknown (no cluster snapshot in the progress window)\n");
    } else {
      out.append(" (cluster snapshot read ")
          .append(w.snapshotReadTimeIso())
          .append(", ")
          .append(Durations.text(w.snapshotAgeMs()))
          .append(" ago: ")
          .append(w.walsWaitingTotal())
          .append(" closed WALs waiting over ")
          .append(w.queues().size())
          .append(" queues)\n");
      TextTable wals = new TextTable("QUEUE", "SHIPPED BY", "WALS", "WAITING", "OLDEST WAL AGE");
      w.queues().stream()
          .limit(20)
          .forEach(
              q ->
                  wals.row(
                      q.queue(),
                      q.holder() + (q.recovered() ? " (claimed)" : ""),
                      q.wals(),
                      q.walsWaiting(),
                      Durations.text(q.oldestWalAgeMs())));
      wals.appendTo(out, "  ");
      if (w.queues().size() > 20) {
        out.append("  ... and ")
            .append(w.queues().size() - 20)
            .append(" more queues (rewind status --json lists them all)\n");
      }
    }

    if (!r.bulkLoads().isEmpty()) {
      out.append("\nBULK LOADS NOT CAPTURED (their data is not in the backup)\n");
      TextTable bulk = new TextTable("QUEUE", "PUBLISHER", "AT", "WHY");
      r.bulkLoads().forEach(b -> bulk.row(b.queue(), b.publisher(), b.brokerTimeIso(), b.reason()));
      bulk.appendTo(out, "  ");
    }

    out.append("\nNOTES\n");
    r.notes().forEach(n -> out.append("  - ").append(n).append('\n'));
    out.append("  - ").append(SKIP_WAL).append('\n');
    return out.toString();
  }

  /** What no WAL-based backup can see, and what to do about it. */
  static final String SKIP_WAL =
      "writes with Durability.SKIP_WAL never reach the WAL, so they are in no WAL-based backup and nothing"
          + " can warn about them: keep them off backed-up tables, or take a base of each table such a job wrote once it is done"
          + " (rewind base --tables ns:table)";

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
    if (b < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  }

  static String retention(Long ms) {
    if (ms == null) {
      return "unknown";
    }
    return ms < 0 ? "unlimited" : Durations.text(ms);
  }
}
