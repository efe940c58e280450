package io.rewind.store.kafka;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates every Rewind topic that does not exist yet, with the design's settings. */
public final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private final Admin admin;

  public TopicCreator(Admin admin) {
    this.admin = admin;
  }

  public List<String> createMissing(RewindConfig config) throws InterruptedException {
    Topics topics = new Topics(config.topicPrefix());
    return createMissing(
        topics.specs(
            config.getInt(RewindConfig.EDITS_PARTITIONS),
            (short) config.getInt(RewindConfig.REPLICATION_FACTOR),
            config.getLong(RewindConfig.EDITS_RETENTION_MS)));
  }

  public List<String> createMissing(List<Topics.TopicSpec> specs) throws InterruptedException {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (Topics.TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(
              new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                  .configs(spec.configs()));
        }
      }
      List<String> created = new ArrayList<>();
      for (NewTopic topic : missing) {
        try {
          admin.createTopics(List.of(topic)).all().get();
          created.add(topic.name());
          LOG.info(
              "created topic {} ({} partitions, {})",
              topic.name(),
              topic.numPartitions(),
              topic.configs());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      return created;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create Rewind topics: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
