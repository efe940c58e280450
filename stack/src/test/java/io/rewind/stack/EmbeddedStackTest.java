package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.Topics;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStackTest {

  private static final int EDITS_PARTITIONS = 3;
  private static EmbeddedStack stack;
  private static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    stack =
        EmbeddedStack.builder()
            .editsPartitions(EDITS_PARTITIONS)
            .brokerConfig("message.max.bytes", "2000000")
            .start();
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void listensOnLoopbackAndDescribesItselfInItsConfig() {
    assertThat(stack.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    RewindConfig config = stack.config();
    assertThat(config.bootstrapServers()).isEqualTo(stack.bootstrapServers());
    assertThat(config.getInt(RewindConfig.EDITS_PARTITIONS)).isEqualTo(EDITS_PARTITIONS);
    assertThat(config.storeUri()).isEqualTo(stack.storeUri());
    assertThat(config.registryUrl()).isEmpty();
    assertThat(stack.registryUrl()).isEmpty();
    assertThat(config.get(RewindConfig.CHECKPOINT_STATE_DIR))
        .startsWith(stack.workDir().toString());
  }

  @Test
  void storeIsALocalDirectoryUnderTheWorkDir() {
    URI uri = URI.create(stack.storeUri());
    assertThat(uri.getScheme()).isEqualTo("file");
    assertThat(stack.storeUri()).startsWith("file:///");
    Path dir = Paths.get(uri);
    assertThat(dir).isDirectory().isEqualTo(stack.storeDir());
    assertThat(dir.startsWith(stack.workDir())).isTrue();
  }

  @Test
  void createsEveryTopicWithTheDesignsSettings() throws Exception {
    Topics topics = new Topics(stack.config().topicPrefix());
    Map<String, TopicDescription> descriptions =
        admin.describeTopics(topics.all()).allTopicNames().get();
    assertThat(descriptions).containsOnlyKeys(topics.all());
    assertThat(descriptions.get(topics.edits()).partitions()).hasSize(EDITS_PARTITIONS);
    for (String controlPlane :
        List.of(
            topics.progress(),
            topics.tables(),
            topics.archived(),
            topics.checkpoints(),
            topics.control(),
            topics.dlq())) {
      assertThat(descriptions.get(controlPlane).partitions()).as(controlPlane).hasSize(1);
    }

    Map<String, Config> configs = topicConfigs(topics.all());
    Config edits = configs.get(topics.edits());
    assertThat(edits.get("message.timestamp.type").value()).isEqualTo("CreateTime");
    assertThat(edits.get("max.message.bytes").value()).isEqualTo(String.valueOf(16 << 20));
    assertThat(edits.get("cleanup.policy").value()).isEqualTo("delete");

    assertThat(configs.get(topics.progress()).get("message.timestamp.type").value())
        .isEqualTo("LogAppendTime");
    assertThat(configs.get(topics.archived()).get("message.timestamp.type").value())
        .isEqualTo("LogAppendTime");
    assertThat(configs.get(topics.control()).get("message.timestamp.type").value())
        .isEqualTo("LogAppendTime");
    assertThat(configs.get(topics.tables()).get("cleanup.policy").value()).isEqualTo("compact");
    assertThat(configs.get(topics.checkpoints()).get("cleanup.policy").value())
        .isEqualTo("compact");
    assertThat(configs.get(topics.checkpoints()).get("message.timestamp.type").value())
        .isEqualTo("LogAppendTime");
    assertThat(configs.get(topics.progress()).get("cleanup.policy").value()).isEqualTo("delete");
  }

  @Test
  void brokerTakesExtraSettingsAndRefusesToAutoCreateTopics() throws Exception {
    ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
    Config broker = admin.describeConfigs(List.of(brokerResource)).all().get().get(brokerResource);
    assertThat(broker.get("message.max.bytes").value()).isEqualTo("2000000");
    assertThat(broker.get("auto.create.topics.enable").value()).isEqualTo("false");
    assertThat(broker.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
    assertThat(broker.get("transaction.state.log.min.isr").value()).isEqualTo("1");
    assertThat(broker.get("offsets.topic.replication.factor").value()).isEqualTo("1");
    assertThat(broker.get("group.initial.rebalance.delay.ms").value()).isEqualTo("0");
    for (String listener : broker.get("listeners").value().split(",")) {
      String host = listener.substring(listener.indexOf("://") + 3, listener.lastIndexOf(':'));
      assertThat(InetAddress.getByName(host).isLoopbackAddress())
          .as(listener + " binds loopback only")
          .isTrue();
    }
  }

  @Test
  void closeStopsTheBrokerAndDeletesATemporaryWorkDir() throws Exception {
    EmbeddedStack own = EmbeddedStack.builder().editsPartitions(1).start();
    int port = own.broker().port();
    Path workDir = own.workDir();
    assertThat(LoopbackPorts.accepts(port)).isTrue();

    own.close();

    assertThat(LoopbackPorts.accepts(port)).isFalse();
    assertThat(workDir).doesNotExist();
    own.close(); // idempotent
  }

  @Test
  void stopBrokerKeepsTheStoreOfAGivenWorkDir(@TempDir Path dir) throws Exception {
    EmbeddedStack own = EmbeddedStack.builder().workDir(dir).editsPartitions(1).start();
    try {
      Path marker = Files.writeString(own.storeDir().resolve("segment"), "kept");
      int port = own.broker().port();

      own.stopBroker();

      assertThat(LoopbackPorts.accepts(port)).isFalse();
      assertThat(own.broker().isRunning()).isFalse();
      assertThat(marker).hasContent("kept");
    } finally {
      own.close();
    }
    assertThat(dir.resolve("store/segment")).as("a work dir the caller gave is kept").exists();
  }

  private static Map<String, Config> topicConfigs(List<String> names) throws Exception {
    List<ConfigResource> resources =
        names.stream()
            .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
            .collect(Collectors.toList());
    return admin.describeConfigs(resources).all().get().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
  }
}
