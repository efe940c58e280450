package io.rewind.monitoring;

import io.rewind.client.time.TimeParser;
import io.rewind.store.verify.RestoreTestRecord;
import java.util.ArrayList;
import java.util.List;

/** Builds status facts for the pure alert tests: a healthy pipeline unless told otherwise. */
final class Facts {

  static final long NOW = 1_800_000_000_000L;

  final List<TopicStatus> topics = new ArrayList<>();
  final List<GroupStatus> groups = new ArrayList<>();
  CheckpointState checkpoint = checkpoint(NOW - 1_000, "rs1,16020,1/wg", "effective-claim", false);
  final List<QueueRow> queues = new ArrayList<>();
  ArchiveLag archive =
      new ArchiveLag(600_000L, 0, 0, 0, List.of(partition(0, 0, 100, 100, null, 600_000L)));
  final List<PublisherSkew> skew = new ArrayList<>();
  final List<BulkLoadMarker> bulkLoads = new ArrayList<>();
  WalBacklog walBacklog;
  final List<TableRange> tables = new ArrayList<>();
  RestoreTestRecord restoreTest;

  Facts() {
    for (String t :
        List.of(
            "rewind.edits",
            "rewind.progress",
            "rewind.tables",
            "rewind.archived",
            "rewind.checkpoints",
            "rewind.control")) {
      topics.add(topic(t, 10));
    }
    topics.add(topic("rewind.dlq", 0));
    groups.add(group("rewind-archivers", "archivers", 1));
    groups.add(group("rewind-checkpoint", "checkpoint", 1));
    queues.add(
        new QueueRow(
            "rs1,16020,1/wg",
            "rs1,16020,1",
            "wg",
            NOW - 1_500,
            "t",
            "effective-claim",
            NOW - 400,
            400L,
            NOW,
            true));
  }

  static TopicStatus topic(String name, long records) {
    return new TopicStatus(
        name,
        true,
        1,
        600_000L,
        records * 100,
        records,
        List.of(new TopicStatus.Partition(0, 0, records, records * 100)));
  }

  static GroupStatus group(String id, String role, int members) {
    List<GroupStatus.Member> m = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      m.add(new GroupStatus.Member("m" + i, "c" + i, "/127.0.0.1", List.of("rewind.edits-0")));
    }
    return new GroupStatus(id, role, members == 0 ? "EMPTY" : "STABLE", m, 0, 0, List.of());
  }

  static CheckpointState checkpoint(long time, String heldBy, String rule, boolean decreased) {
    return new CheckpointState(
        time, TimeParser.format(time), NOW, NOW - time, heldBy, rule, 1, decreased, "kafka");
  }

  /**
   * A partition whose oldest unarchived record was written {@code ageMs} ago (null: everything
   * archived).
   */
  static ArchiveLag.Partition partition(
      int p, long logStart, long end, long archivedEnd, Long ageMs, Long retentionMs) {
    long first = Math.max(archivedEnd, logStart);
    long unarchived = Math.max(0, end - first);
    long age = ageMs == null ? 0 : ageMs;
    double used = retentionMs == null || retentionMs <= 0 ? 0 : (double) age / retentionMs;
    return new ArchiveLag.Partition(
        p,
        logStart,
        end,
        archivedEnd,
        unarchived,
        ageMs == null ? null : NOW - ageMs,
        age,
        used,
        archivedEnd >= 0 && archivedEnd < logStart);
  }

  static ArchiveLag archive(Long retentionMs, ArchiveLag.Partition... partitions) {
    long unarchived = 0;
    long age = 0;
    double used = 0;
    for (ArchiveLag.Partition p : partitions) {
      unarchived += p.unarchivedRecords();
      age = Math.max(age, p.oldestUnarchivedAgeMs());
      used = Math.max(used, p.retentionUsed());
    }
    return new ArchiveLag(retentionMs, unarchived, age, used, List.of(partitions));
  }

  void replaceTopic(TopicStatus t) {
    topics.removeIf(x -> x.name().equals(t.name()));
    topics.add(t);
  }

  StatusReport report() {
    return new StatusReport(
        NOW,
        TimeParser.format(NOW),
        "127.0.0.1:9092",
        "file:///tmp/store",
        topics,
        groups,
        checkpoint,
        queues,
        archive,
        List.of(),
        tables,
        skew,
        bulkLoads,
        walBacklog,
        List.of(),
        List.of(),
        restoreTest);
  }
}
