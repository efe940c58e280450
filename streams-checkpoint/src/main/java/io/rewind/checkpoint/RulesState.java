package io.rewind.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The persisted form of {@link CheckpointRules}: small keyed entries, one per queue, partition,
 * unattached claim and pending epoch, plus one for the scalars, each a small JSON document. Only
 * changed entries are written, so a store with a changelog (Kafka Streams) restores them after a
 * crash.
 */
final class RulesState {

  static final String META = "meta";
  static final String QUEUE = "q:";
  static final String PARTITION = "p:";
  static final String CLAIM = "c:";
  static final String EPOCH = "e:";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private RulesState() {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record MetaEntry(
      Long latestReadTime,
      long latestGuard,
      Long unattachedGuard,
      Long effectiveGuard,
      Long lastC,
      long nextClaimSeq,
      long nextEpochSeq,
      long[] maxEndOffsets) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record QueueEntry(
      String server,
      String walGroup,
      boolean removed,
      Long floor,
      Long best,
      boolean listed,
      Long markerExistedBy,
      Long lastMarkerSendTime,
      long removalClaimSeq) {}

  record PartitionEntry(int partition, boolean started, long frontier, List<long[]> pending) {}

  record ClaimEntry(String server, String walGroup, long bound, long removalSeq) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EpochEntry(long seq, long[] endOffsets, Long guard, List<ClaimEntry> claims) {}

  static String queueKey(QueueKey q) {
    return QUEUE + q;
  }

  static String claimKey(QueueKey q) {
    return CLAIM + q;
  }

  static String partitionKey(int partition) {
    return PARTITION + partition;
  }

  /** Zero-padded so that a store iterating keys in order yields epochs in order. */
  static String epochKey(long seq) {
    return EPOCH + String.format("%020d", seq);
  }

  static byte[] encode(Object entry) {
    try {
      return MAPPER.writeValueAsBytes(entry);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode checkpoint state entry " + entry, e);
    }
  }

  static <T> T decode(String key, byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new CorruptCheckpointStateException(
          "checkpoint state entry '"
              + key
              + "' cannot be read as "
              + type.getSimpleName()
              + " ("
              + e.getMessage()
              + "): reset the checkpoint app (kafka-streams-application-reset with its application.id) so it"
              + " rebuilds its state from the progress and archived topics",
          e);
    }
  }
}
