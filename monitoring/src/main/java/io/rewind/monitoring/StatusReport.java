package io.rewind.monitoring;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.rewind.store.verify.RestoreTestRecord;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code rewind status} and the status page show, as one value. Its JSON form is a
 * contract: the top-level fields {@code topics}, {@code groups}, {@code checkpoint}, {@code queues}
 * and {@code alerts} keep their names.
 *
 * @param checkpoint the published checkpoint, null before the first one
 * @param walBacklog the source's WAL backlog per queue from the newest cluster snapshot, null when
 *     none was read
 * @param notes caveats a reader needs (what a figure means, what could not be read)
 * @param restoreTest the newest restore test recorded in the store ({@code rewind verify
 *     --restore-test}), null when none ran
 */
@JsonPropertyOrder({
  "generatedAt",
  "generatedAtIso",
  "bootstrapServers",
  "storeUri",
  "alerts",
  "checkpoint",
  "queues",
  "topics",
  "groups",
  "archive",
  "segments",
  "tables",
  "restoreTest",
  "clockSkew",
  "bulkLoads",
  "walBacklog",
  "notes"
})
public record StatusReport(
    long generatedAt,
    String generatedAtIso,
    String bootstrapServers,
    String storeUri,
    List<TopicStatus> topics,
    List<GroupStatus> groups,
    CheckpointState checkpoint,
    List<QueueRow> queues,
    ArchiveLag archive,
    List<PartitionSegments> segments,
    List<TableRange> tables,
    List<PublisherSkew> clockSkew,
    List<BulkLoadMarker> bulkLoads,
    WalBacklog walBacklog,
    List<Alert> alerts,
    List<String> notes,
    RestoreTestRecord restoreTest) {

  public StatusReport withAlerts(List<Alert> newAlerts) {
    return new StatusReport(
        generatedAt,
        generatedAtIso,
        bootstrapServers,
        storeUri,
        topics,
        groups,
        checkpoint,
        queues,
        archive,
        segments,
        tables,
        clockSkew,
        bulkLoads,
        walBacklog,
        List.copyOf(newAlerts),
        notes,
        restoreTest);
  }

  public Optional<TopicStatus> topic(String name) {
    return topics.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Optional<GroupStatus> group(String groupId) {
    return groups.stream().filter(g -> g.groupId().equals(groupId)).findFirst();
  }

  /** The highest severity among the alerts with this id, if any. */
  public Optional<Severity> alertLevel(String id) {
    return alerts.stream().filter(a -> a.id().equals(id)).map(Alert::severity).max(Enum::compareTo);
  }
}
