package io.rewind.monitoring;

import io.rewind.store.catalog.ManifestStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The pure half of {@link StatusCollector}: from what it read (topic descriptions, offsets, group
 * commits, record timestamps, the archived chains) to the report's topics, groups and archive lag.
 * No I/O, tested alone ({@code StatusDerivationTest}), as {@link AlertRules} is.
 */
final class StatusDerivation {

  private StatusDerivation() {}

  /**
   * Per edits partition, the first offset not archived: the end of its committed chain, or the
   * log's start when nothing of what the log holds is archived.
   */
  static Map<Integer, Long> firstUnarchived(
      TopicDescription edits,
      Map<Integer, ManifestStore.Chain> chains,
      Map<TopicPartition, Long> starts) {
    Map<Integer, Long> first = new TreeMap<>();
    for (var p : edits.partitions()) {
      TopicPartition tp = new TopicPartition(edits.name(), p.partition());
      ManifestStore.Chain chain = chains.get(p.partition());
      long logStart = starts.getOrDefault(tp, 0L);
      first.put(
          p.partition(),
          chain == null || chain.isEmpty() ? logStart : Math.max(chain.end(), logStart));
    }
    return first;
  }

  /**
   * The record timestamps the lags need: the committed and the last record of every lagging group
   * partition, and the first unarchived record of every edits partition.
   */
  static Set<OffsetTimestamps.Request> timestampsWanted(
      Map<String, Map<TopicPartition, OffsetAndMetadata>> committed,
      Map<TopicPartition, Long> ends,
      String editsTopic,
      Map<Integer, Long> firstUnarchived) {
    Set<OffsetTimestamps.Request> wanted = new HashSet<>();
    committed.forEach(
        (g, offsets) ->
            offsets.forEach(
                (tp, om) -> {
                  long end = ends.getOrDefault(tp, 0L);
                  if (om != null && om.offset() < end) {
                    wanted.add(new OffsetTimestamps.Request(tp, om.offset(), end));
                    wanted.add(new OffsetTimestamps.Request(tp, end - 1, end));
                  }
                }));
    firstUnarchived.forEach(
        (p, first) -> {
          TopicPartition tp = new TopicPartition(editsTopic, p);
          wanted.add(new OffsetTimestamps.Request(tp, first, ends.getOrDefault(tp, 0L)));
        });
    return wanted;
  }

  /**
   * Each topic with its partitions' offsets and sizes; a topic Kafka does not describe is missing.
   */
  static List<TopicStatus> topicStatuses(
      List<String> names,
      Map<String, TopicDescription> described,
      Map<String, Long> retention,
      Map<TopicPartition, Long> sizes,
      Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends) {
    List<TopicStatus> result = new ArrayList<>();
    for (String name : names) {
      TopicDescription d = described.get(name);
      if (d == null) {
        result.add(TopicStatus.missing(name));
        continue;
      }
      List<TopicStatus.Partition> parts = new ArrayList<>();
      long size = 0;
      long records = 0;
      for (var p : d.partitions()) {
        TopicPartition tp = new TopicPartition(name, p.partition());
        long start = starts.getOrDefault(tp, 0L);
        long end = ends.getOrDefault(tp, 0L);
        long bytes = sizes.getOrDefault(tp, 0L);
        parts.add(new TopicStatus.Partition(p.partition(), start, end, bytes));
        size += bytes;
        records += Math.max(0, end - start);
      }
      parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
      result.add(
          new TopicStatus(name, true, parts.size(), retention.get(name), size, records, parts));
    }
    return result;
  }

  /**
   * A consumer group's members and, per committed partition, its lag in records and in seconds
   * (from the timestamps of the committed record and of the last one; the age of the committed one
   * while the last is unknown).
   */
  static GroupStatus groupStatus(
      String groupId,
      String role,
      ConsumerGroupDescription description,
      Map<TopicPartition, OffsetAndMetadata> committed,
      Map<TopicPartition, Long> ends,
      Map<OffsetTimestamps.Request, Long> timestamps,
      long now) {
    List<GroupStatus.Member> members = new ArrayList<>();
    String state = "ABSENT";
    if (description != null) {
      state = description.groupState() == null ? "UNKNOWN" : description.groupState().name();
      for (MemberDescription m : description.members()) {
        List<String> assignment =
            m.assignment().topicPartitions().stream()
                .sorted(StatusDerivation::compare)
                .map(TopicPartition::toString)
                .toList();
        members.add(new GroupStatus.Member(m.consumerId(), m.clientId(), m.host(), assignment));
      }
    }
    List<GroupStatus.PartitionLag> lags = new ArrayList<>();
    long totalRecords = 0;
    double maxSeconds = 0;
    List<TopicPartition> sorted = new ArrayList<>(committed.keySet());
    sorted.sort(StatusDerivation::compare);
    for (TopicPartition tp : sorted) {
      long c = committed.get(tp).offset();
      long end = ends.getOrDefault(tp, c);
      long lagRecords = Math.max(0, end - c);
      double lagSeconds = 0;
      if (lagRecords > 0) {
        Long oldest = timestamps.get(new OffsetTimestamps.Request(tp, c, end));
        Long newest = timestamps.get(new OffsetTimestamps.Request(tp, end - 1, end));
        if (oldest != null) {
          lagSeconds = Math.max(0, ((newest != null ? newest : now) - oldest) / 1000.0);
        }
      }
      lags.add(
          new GroupStatus.PartitionLag(tp.topic(), tp.partition(), c, end, lagRecords, lagSeconds));
      totalRecords += lagRecords;
      maxSeconds = Math.max(maxSeconds, lagSeconds);
    }
    return new GroupStatus(groupId, role, state, members, totalRecords, maxSeconds, lags);
  }

  /**
   * What of each edits partition is not archived yet, how old its oldest record is and how much of
   * the topic's retention that uses; data is lost when the log starts above the archived chain.
   */
  static ArchiveLag archiveLag(
      TopicDescription edits,
      Map<Integer, ManifestStore.Chain> chains,
      Map<Integer, Long> firstUnarchived,
      Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends,
      Map<OffsetTimestamps.Request, Long> timestamps,
      Long retentionMs,
      long now) {
    List<ArchiveLag.Partition> partitions = new ArrayList<>();
    long unarchived = 0;
    long oldestAge = 0;
    double used = 0;
    for (var p : edits.partitions()) {
      TopicPartition tp = new TopicPartition(edits.name(), p.partition());
      ManifestStore.Chain chain = chains.get(p.partition());
      long logStart = starts.getOrDefault(tp, 0L);
      long end = ends.getOrDefault(tp, 0L);
      long first = firstUnarchived.get(p.partition());
      boolean lost = chain != null && !chain.isEmpty() && chain.end() < logStart;
      long records = Math.max(0, end - first);
      Long oldest =
          records == 0 ? null : timestamps.get(new OffsetTimestamps.Request(tp, first, end));
      long age = oldest == null ? 0 : Math.max(0, now - oldest);
      double ratio = retentionMs == null || retentionMs <= 0 ? 0 : (double) age / retentionMs;
      partitions.add(
          new ArchiveLag.Partition(
              p.partition(),
              logStart,
              end,
              chain == null || chain.isEmpty() ? -1 : chain.end(),
              records,
              oldest,
              age,
              ratio,
              lost));
      unarchived += records;
      oldestAge = Math.max(oldestAge, age);
      used = Math.max(used, ratio);
    }
    partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return new ArchiveLag(retentionMs, unarchived, oldestAge, used, partitions);
  }

  static int compare(TopicPartition a, TopicPartition b) {
    int c = a.topic().compareTo(b.topic());
    return c != 0 ? c : Integer.compare(a.partition(), b.partition());
  }
}
