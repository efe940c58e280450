package io.rewind.client.kafka;

import java.util.List;
import java.util.Map;

/** The names and settings of Rewind's topics, from one prefix (default {@code rewind.}). */
public final class Topics {

  /** Records on the edits topic are split below this; the topic's max.message.bytes is 16 MiB. */
  public static final int EDITS_MAX_MESSAGE_BYTES = 16 << 20;

  private final String prefix;

  public Topics(String prefix) {
    this.prefix = prefix;
  }

  public String edits() {
    return prefix + "edits";
  }

  public String progress() {
    return prefix + "progress";
  }

  public String tables() {
    return prefix + "tables";
  }

  public String archived() {
    return prefix + "archived";
  }

  public String checkpoints() {
    return prefix + "checkpoints";
  }

  public String control() {
    return prefix + "control";
  }

  public String dlq() {
    return prefix + "dlq";
  }

  public List<String> all() {
    return List.of(edits(), progress(), tables(), archived(), checkpoints(), control(), dlq());
  }

  /** Every topic with the settings the design fixes. */
  public List<TopicSpec> specs(
      int editsPartitions, short replicationFactor, long editsRetentionMs) {
    Map<String, String> create = Map.of("message.timestamp.type", "CreateTime");
    return List.of(
        new TopicSpec(
            edits(),
            editsPartitions,
            replicationFactor,
            Map.of(
                "message.timestamp.type",
                "CreateTime",
                "max.message.bytes",
                String.valueOf(EDITS_MAX_MESSAGE_BYTES),
                "retention.ms",
                String.valueOf(editsRetentionMs),
                "cleanup.policy",
                "delete")),
        // LogAppendTime: broker timestamps rise monotonically; send times travel in the value.
        new TopicSpec(
            progress(), 1, replicationFactor, Map.of("message.timestamp.type", "LogAppendTime")),
        new TopicSpec(
            tables(),
            1,
            replicationFactor,
            Map.of("cleanup.policy", "compact", "message.timestamp.type", "CreateTime")),
        new TopicSpec(
            archived(), 1, replicationFactor, Map.of("message.timestamp.type", "LogAppendTime")),
        new TopicSpec(
            checkpoints(),
            1,
            replicationFactor,
            Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime")),
        new TopicSpec(
            control(), 1, replicationFactor, Map.of("message.timestamp.type", "LogAppendTime")),
        new TopicSpec(dlq(), 1, replicationFactor, create));
  }

  /** One topic to create. */
  public static final class TopicSpec {
    private final String name;
    private final int partitions;
    private final short replicationFactor;
    private final Map<String, String> configs;

    public TopicSpec(
        String name, int partitions, short replicationFactor, Map<String, String> configs) {
      this.name = name;
      this.partitions = partitions;
      this.replicationFactor = replicationFactor;
      this.configs = Map.copyOf(configs);
    }

    public String name() {
      return name;
    }

    public int partitions() {
      return partitions;
    }

    public short replicationFactor() {
      return replicationFactor;
    }

    public Map<String, String> configs() {
      return configs;
    }
  }
}
