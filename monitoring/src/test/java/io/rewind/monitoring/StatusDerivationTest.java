package io.rewind.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.Manifest;
import io.rewind.store.catalog.ManifestStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class StatusDerivationTest {

  private static final String EDITS = "rewind.edits";
  private static final Node BROKER = new Node(1, "127.0.0.1", 9092);
  private static final long NOW = 1_800_000_000_000L;

  private static TopicDescription topic(String name, int partitions) {
    List<TopicPartitionInfo> infos = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new TopicPartitionInfo(p, BROKER, List.of(BROKER), List.of(BROKER)));
    }
    return new TopicDescription(name, false, infos);
  }

  private static ManifestStore.Chain chain(long start, long end) {
    Manifest m = new Manifest();
    m.startOffset = start;
    m.endOffset = end;
    return ManifestStore.chain(List.of(m));
  }

  private static TopicPartition tp(String topic, int p) {
    return new TopicPartition(topic, p);
  }

  @Test
  void theArchiveLagNamesWhatIsUnarchivedItsAgeTheRetentionItUsesAndDataExpiredUnarchived() {
    TopicDescription edits = topic(EDITS, 3);
    Map<Integer, ManifestStore.Chain> chains = Map.of(0, chain(0, 100), 1, chain(0, 40));
    // p1's log starts above its archived end (retention deleted 40..59 unarchived); p2 has nothing
    // archived.
    Map<TopicPartition, Long> starts =
        Map.of(tp(EDITS, 0), 0L, tp(EDITS, 1), 60L, tp(EDITS, 2), 5L);
    Map<TopicPartition, Long> ends =
        Map.of(tp(EDITS, 0), 150L, tp(EDITS, 1), 80L, tp(EDITS, 2), 5L);

    Map<Integer, Long> first = StatusDerivation.firstUnarchived(edits, chains, starts);
    assertThat(first).isEqualTo(Map.of(0, 100L, 1, 60L, 2, 5L));
    Map<OffsetTimestamps.Request, Long> timestamps =
        Map.of(
            new OffsetTimestamps.Request(tp(EDITS, 0), 100, 150), NOW - 30_000,
            new OffsetTimestamps.Request(tp(EDITS, 1), 60, 80), NOW - 45_000);

    ArchiveLag lag =
        StatusDerivation.archiveLag(edits, chains, first, starts, ends, timestamps, 60_000L, NOW);

    assertThat(lag.unarchivedRecords()).isEqualTo(50 + 20);
    assertThat(lag.oldestUnarchivedAgeMs()).isEqualTo(45_000);
    assertThat(lag.retentionUsed()).isEqualTo(0.75);
    assertThat(lag.partitions())
        .extracting(ArchiveLag.Partition::partition)
        .containsExactly(0, 1, 2);
    ArchiveLag.Partition p0 = lag.partitions().get(0);
    assertThat(p0.archivedEnd()).isEqualTo(100);
    assertThat(p0.unarchivedRecords()).isEqualTo(50);
    assertThat(p0.oldestUnarchivedAgeMs()).isEqualTo(30_000);
    assertThat(p0.retentionUsed()).isEqualTo(0.5);
    assertThat(p0.dataLoss()).isFalse();
    assertThat(lag.partitions().get(1).dataLoss())
        .as("the log starts above what is archived")
        .isTrue();
    ArchiveLag.Partition p2 = lag.partitions().get(2);
    assertThat(p2.archivedEnd()).as("nothing archived").isEqualTo(-1);
    assertThat(p2.unarchivedRecords()).isZero();
    assertThat(p2.oldestUnarchivedTime()).isNull();
    assertThat(p2.dataLoss()).isFalse();
  }

  @Test
  void aGroupsLagIsCountedInRecordsAndInSecondsBetweenItsCommittedAndItsLastRecord() {
    Map<TopicPartition, OffsetAndMetadata> committed =
        Map.of(
            tp(EDITS, 0),
            new OffsetAndMetadata(10),
            tp(EDITS, 1),
            new OffsetAndMetadata(20),
            tp(EDITS, 2),
            new OffsetAndMetadata(7));
    Map<TopicPartition, Long> ends = Map.of(tp(EDITS, 0), 20L, tp(EDITS, 1), 20L, tp(EDITS, 2), 9L);
    Map<OffsetTimestamps.Request, Long> timestamps =
        Map.of(
            new OffsetTimestamps.Request(tp(EDITS, 0), 10, 20), NOW - 9_000,
            new OffsetTimestamps.Request(tp(EDITS, 0), 19, 20), NOW - 5_000,
            // p2: the last record's timestamp was not read: the committed record's age is the lag.
            new OffsetTimestamps.Request(tp(EDITS, 2), 7, 9), NOW - 2_500);
    ConsumerGroupDescription stable =
        new ConsumerGroupDescription(
            "rewind-archivers", false, List.of(), "range", ConsumerGroupState.STABLE, BROKER);

    GroupStatus g =
        StatusDerivation.groupStatus(
            "rewind-archivers", "archivers", stable, committed, ends, timestamps, NOW);

    assertThat(g.role()).isEqualTo("archivers");
    assertThat(g.state()).isEqualTo("STABLE");
    assertThat(g.partitions())
        .extracting(GroupStatus.PartitionLag::partition)
        .containsExactly(0, 1, 2);
    assertThat(g.partitions().get(0).lagRecords()).isEqualTo(10);
    assertThat(g.partitions().get(0).lagSeconds()).isEqualTo(4.0);
    assertThat(g.partitions().get(1).lagRecords()).isZero();
    assertThat(g.partitions().get(1).lagSeconds()).isZero();
    assertThat(g.partitions().get(2).lagSeconds()).isEqualTo(2.5);
    assertThat(g.lagRecords()).isEqualTo(12);
    assertThat(g.lagSeconds()).isEqualTo(4.0);

    GroupStatus absent =
        StatusDerivation.groupStatus(
            "rewind-checkpoint", "checkpoint", null, Map.of(), ends, Map.of(), NOW);
    assertThat(absent.state()).isEqualTo("ABSENT");
    assertThat(absent.members()).isEmpty();
    assertThat(absent.lagRecords()).isZero();
  }

  @Test
  void timestampsAreAskedOnlyForLaggingPartitionsAndTheFirstUnarchivedRecords() {
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
        Map.of(
            "g",
            Map.of(
                tp(EDITS, 0), new OffsetAndMetadata(10), tp(EDITS, 1), new OffsetAndMetadata(20)));
    Map<TopicPartition, Long> ends = Map.of(tp(EDITS, 0), 20L, tp(EDITS, 1), 20L);

    assertThat(StatusDerivation.timestampsWanted(committed, ends, EDITS, Map.of(1, 15L)))
        .containsExactlyInAnyOrder(
            new OffsetTimestamps.Request(tp(EDITS, 0), 10, 20),
            new OffsetTimestamps.Request(tp(EDITS, 0), 19, 20),
            new OffsetTimestamps.Request(tp(EDITS, 1), 15, 20));
  }

  @Test
  void aTopicKafkaDoesNotDescribeIsMissingAndADescribedOneSumsItsPartitions() {
    Map<TopicPartition, Long> starts = Map.of(tp(EDITS, 0), 5L, tp(EDITS, 1), 0L);
    Map<TopicPartition, Long> ends = Map.of(tp(EDITS, 0), 15L, tp(EDITS, 1), 30L);
    Map<TopicPartition, Long> sizes = Map.of(tp(EDITS, 0), 1_000L, tp(EDITS, 1), 3_000L);

    List<TopicStatus> topics =
        StatusDerivation.topicStatuses(
            List.of(EDITS, "rewind.progress"),
            Map.of(EDITS, topic(EDITS, 2)),
            Map.of(EDITS, 86_400_000L),
            sizes,
            starts,
            ends);

    assertThat(topics).hasSize(2);
    TopicStatus edits = topics.get(0);
    assertThat(edits.exists()).isTrue();
    assertThat(edits.partitionCount()).isEqualTo(2);
    assertThat(edits.retentionMs()).isEqualTo(86_400_000L);
    assertThat(edits.sizeBytes()).isEqualTo(4_000);
    assertThat(edits.records()).isEqualTo(10 + 30);
    assertThat(topics.get(1)).isEqualTo(TopicStatus.missing("rewind.progress"));
  }
}
