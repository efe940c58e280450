package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.kafka.Topics;
import io.rewind.client.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RewindStack} implementation provides, run against each: the embedded one
 * everywhere, the containers one where a Docker engine answers.
 */
abstract class RewindStackContract {

  /** The stack under test, started once per class by the subclass. */
  abstract RewindStack stack();

  @Test
  void everyRewindTopicExists() throws Exception {
    Topics topics = new Topics(stack().config().topicPrefix());
    try (Admin admin = new KafkaClients(stack().config()).admin("contract")) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names).containsAll(topics.all());
      assertThat(
              admin
                  .describeTopics(List.of(topics.edits()))
                  .allTopicNames()
                  .get()
                  .get(topics.edits())
                  .partitions())
          .hasSize(stack().config().getInt("edits.partitions"));
    }
  }

  @Test
  void recordsRoundTripThroughTheBroker() {
    KafkaClients clients = new KafkaClients(stack().config());
    String topic = clients.topics().dlq();
    byte[] value = ("contract-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = clients.producer("contract")) {
      producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
    } catch (Exception e) {
      throw new AssertionError("send to " + topic + " failed", e);
    }
    try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer("contract", null)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 30_000;
      boolean found = false;
      while (!found && System.currentTimeMillis() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (var r : records) {
          found |= Arrays.equals(r.value(), value);
        }
      }
      assertThat(found).as("the record came back").isTrue();
    }
  }

  @Test
  void theObjectStoreStoresAndLists() throws Exception {
    try (ObjectStore store = ObjectStore.open(stack().config())) {
      store.write("contract/probe.json", "{}".getBytes(StandardCharsets.UTF_8));
      assertThat(store.read("contract/probe.json"))
          .isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
      assertThat(store.list("contract"))
          .extracting(s -> s.getPath().getName())
          .contains("probe.json");
    }
  }
}
