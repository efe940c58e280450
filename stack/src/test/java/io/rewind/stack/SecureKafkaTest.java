package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.store.kafka.RoleAcls.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The secure embedded broker: SASL_SSL with SCRAM, certificates made at start, StandardAuthorizer.
 * Each role does what it needs and is refused one step beyond; a wrong password and a plaintext
 * client do not get in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureKafkaTest {

  private EmbeddedStack stack;
  private Topics topics;

  @BeforeAll
  void start() throws Exception {
    stack = EmbeddedStack.builder().editsPartitions(2).secure(true).start();
    topics = new Topics(stack.config().topicPrefix());
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private KafkaClients clients(Role role) {
    return new KafkaClients(stack.config(role));
  }

  private static void produce(KafkaClients clients, String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = clients.producer("acl-test")) {
      p.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[] {2})).get(30, TimeUnit.SECONDS);
    }
  }

  private static void refusedProducing(KafkaClients clients, String topic) {
    assertThatThrownBy(() -> produce(clients, topic))
        .as("producing to " + topic)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(AuthorizationException.class);
  }

  /** Reads a topic's first partition from the start, without a group. */
  private static void read(KafkaClients clients, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = clients.consumer("acl-test", null)) {
      c.assign(List.of(new TopicPartition(topic, 0)));
      c.seekToBeginning(c.assignment());
      c.poll(Duration.ofSeconds(2));
    }
  }

  @Test
  void theEndpointPublishesEditsProgressAndDescriptorsOnly() throws Exception {
    KafkaClients endpoint = clients(Role.ENDPOINT);
    produce(endpoint, topics.edits());
    produce(endpoint, topics.progress());
    produce(endpoint, topics.tables());
    read(endpoint, topics.control());
    refusedProducing(endpoint, topics.control());
    refusedProducing(endpoint, topics.checkpoints());
    assertThatThrownBy(() -> read(endpoint, topics.edits()))
        .isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void theArchiverConsumesInItsGroupAndPublishesArchivedOnly() throws Exception {
    KafkaClients archiver = clients(Role.ARCHIVER);
    RewindConfig config = stack.config(Role.ARCHIVER);
    try (KafkaConsumer<byte[], byte[]> c =
        archiver.consumer("acl-test", config.get(RewindConfig.ARCHIVER_GROUP))) {
      c.subscribe(List.of(topics.edits()));
      c.poll(Duration.ofSeconds(3));
      c.commitSync();
    }
    read(archiver, topics.tables());
    produce(archiver, topics.archived());
    produce(archiver, topics.dlq());
    refusedProducing(archiver, topics.edits());
    refusedProducing(archiver, topics.checkpoints());
    try (KafkaConsumer<byte[], byte[]> c = archiver.consumer("acl-test", "someone-elses-group")) {
      c.subscribe(List.of(topics.edits()));
      assertThatThrownBy(() -> c.poll(Duration.ofSeconds(3)))
          .isInstanceOf(GroupAuthorizationException.class);
    }
  }

  @Test
  void theCheckpointAppReadsClaimsSeesEndOffsetsAndWritesTheCheckpointOnly() throws Exception {
    KafkaClients checkpoint = clients(Role.CHECKPOINT);
    read(checkpoint, topics.progress());
    read(checkpoint, topics.archived());
    produce(checkpoint, topics.checkpoints());
    try (Admin admin = checkpoint.admin("acl-test")) {
      admin
          .listOffsets(Map.of(new TopicPartition(topics.edits(), 0), OffsetSpec.latest()))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> read(checkpoint, topics.edits()))
        .as("end offsets, never records")
        .isInstanceOf(TopicAuthorizationException.class);
    refusedProducing(checkpoint, topics.edits());
  }

  @Test
  void statusDescribesAndReadsButWritesAndCreatesNothing() throws Exception {
    KafkaClients status = clients(Role.STATUS);
    read(status, topics.checkpoints());
    try (Admin admin = status.admin("acl-test")) {
      admin.describeLogDirs(List.of(1)).allDescriptions().get(30, TimeUnit.SECONDS);
      admin
          .describeConsumerGroups(List.of(stack.config().get(RewindConfig.ARCHIVER_GROUP)))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(topics.all());
      assertThatThrownBy(
              () ->
                  admin
                      .createTopics(List.of(new NewTopic(topics.edits() + "-x", 1, (short) 1)))
                      .all()
                      .get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
    refusedProducing(status, topics.control());
  }

  @Test
  void baseFollowReadsDescriptorsRestoreNothingAndAdminCreatesTopicsButReadsNoEdits()
      throws Exception {
    read(clients(Role.BASE), topics.tables());
    assertThatThrownBy(() -> read(clients(Role.BASE), topics.edits()))
        .isInstanceOf(TopicAuthorizationException.class);

    KafkaClients restore = clients(Role.RESTORE);
    try (Admin admin = restore.admin("acl-test")) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .as("a restore needs nothing in Kafka")
          .isEmpty();
    }
    assertThatThrownBy(() -> read(restore, topics.edits()))
        .isInstanceOf(TopicAuthorizationException.class);

    KafkaClients admin = clients(Role.ADMIN);
    try (Admin a = admin.admin("acl-test")) {
      a.createTopics(List.of(new NewTopic(topics.edits() + "-admin-test", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> read(admin, topics.edits()))
        .isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void aRestorePointRequesterAnnouncesOnControlAndReadsClaimsOnly() throws Exception {
    KafkaClients requester = clients(Role.RESTORE_POINT);
    produce(requester, topics.control());
    read(requester, topics.progress());
    refusedProducing(requester, topics.progress());
    refusedProducing(requester, topics.edits());
    assertThatThrownBy(() -> read(requester, topics.edits()))
        .isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void aWrongPasswordAndAPlaintextClientDoNotGetIn() {
    RewindConfig wrong =
        stack
            .config(Role.STATUS)
            .with(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"status\" password=\"guess\";");
    try (Admin admin = new KafkaClients(wrong).admin("acl-test")) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
    RewindConfig plaintext =
        RewindConfig.of(
            Map.of(
                RewindConfig.BOOTSTRAP_SERVERS,
                stack.bootstrapServers(),
                "admin.request.timeout.ms",
                "3000",
                "admin.default.api.timeout.ms",
                "5000"));
    try (Admin admin = new KafkaClients(plaintext).admin("acl-test")) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }
}
