package io.rewind.client.kafka;

import io.rewind.client.config.RewindConfig;
import io.rewind.schemas.serde.SerdeFactory;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka client settings written once: every Rewind producer is idempotent with acks=all, every
 * consumer reads committed data and commits by hand. Pass-through keys: {@code kafka.*} for all
 * clients (security settings), {@code producer.*}, {@code consumer.*}, {@code admin.*}.
 */
public final class KafkaClients {

  private final RewindConfig config;

  public KafkaClients(RewindConfig config) {
    this.config = config;
  }

  public RewindConfig config() {
    return config;
  }

  /**
   * Serdes for Rewind's records: the registry's when registry.url is set (apicurio.* settings pass
   * through).
   */
  public SerdeFactory serdes() {
    Map<String, String> apicurio = new HashMap<>();
    config
        .asMap()
        .forEach(
            (k, v) -> {
              if (k.startsWith("apicurio.")) {
                apicurio.put(k, v);
              }
            });
    return new SerdeFactory(config.registryUrl(), apicurio);
  }

  public Topics topics() {
    return new Topics(config.topicPrefix());
  }

  public Map<String, Object> common(String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    // Fail clearly instead of hanging when the broker is unreachable; clients retry with backoff
    // within it.
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 100);
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
    p.putAll(config.withPrefix("kafka."));
    return p;
  }

  public Map<String, Object> producerProps(String clientId) {
    Map<String, Object> p = common(clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.EDITS_MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putAll(config.withPrefix("producer."));
    return p;
  }

  public Map<String, Object> consumerProps(String clientId, String groupId) {
    Map<String, Object> p = common(clientId);
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.EDITS_MAX_MESSAGE_BYTES);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(config.withPrefix("consumer."));
    return p;
  }

  public Map<String, Object> adminProps(String clientId) {
    Map<String, Object> p = common(clientId);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.putAll(config.withPrefix("admin."));
    return p;
  }

  public KafkaProducer<byte[], byte[]> producer(String clientId) {
    return new KafkaProducer<>(producerProps(clientId));
  }

  public KafkaConsumer<byte[], byte[]> consumer(String clientId, String groupId) {
    return new KafkaConsumer<>(consumerProps(clientId, groupId));
  }

  public Admin admin(String clientId) {
    return Admin.create(adminProps(clientId));
  }
}
