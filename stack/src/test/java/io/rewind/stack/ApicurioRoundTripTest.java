package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rewind.client.kafka.EditKey;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.schemas.Cell;
import io.rewind.schemas.CellType;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.RecordCodec;
import io.rewind.schemas.serde.SchemaHistory;
import io.rewind.schemas.serde.SerdeFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WalEdits through the real Apicurio Registry and the real broker, and single-object data read
 * beside them.
 */
class ApicurioRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static EmbeddedStack stack;
  private static SerdeFactory serdes;

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.builder().withRegistry(true).editsPartitions(1).start();
    serdes = new SerdeFactory(stack.registryUrl().orElseThrow());
  }

  @AfterAll
  static void stop() {
    if (stack == null) {
      return;
    }
    int registryPort = stack.registry().orElseThrow().port();
    stack.close();
    // Checked here so a leaked registry fails the build rather than lingering.
    assertThat(LoopbackPorts.accepts(registryPort)).as("registry port after close").isFalse();
    assertThat(stack.registry().orElseThrow().isRunning()).isFalse();
  }

  @Test
  void stackExposesTheRegistryApiUrl() {
    String url = stack.registryUrl().orElseThrow();
    assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/apis/registry/v2");
    assertThat(stack.config().registryUrl()).isEqualTo(url);
    assertThat(serdes.usesRegistry()).isTrue();
  }

  @Test
  void walEditRoundTripsThroughTheRegistryAndTheBroker() throws Exception {
    String topic = clients().topics().edits();
    WalEdit edit = edit("ns:orders", "row-1", 1_700_000_000_123L);

    Serializer<WalEdit> serializer = serdes.serializer(WalEdit.class);
    byte[] registryEncoded = serializer.serialize(topic, new RecordHeaders(), edit);
    assertThat(RecordCodec.isSingleObject(registryEncoded))
        .as("registry path, not single-object")
        .isFalse();

    try (KafkaProducer<byte[], WalEdit> producer =
        new KafkaProducer<>(
            clients().producerProps("registry-test"), new ByteArraySerializer(), serializer)) {
      producer.send(new ProducerRecord<>(topic, key(edit), edit)).get();
    }

    List<WalEdit> read = consume(topic, serdes.deserializer(WalEdit.class), 1);
    assertThat(read).containsExactly(edit);

    // The serde registers nested named types (QueueId, Cell, CellType) as referenced artifacts.
    JsonNode artifact = registeredArtifactFor(topic);
    Schema registered =
        parseWithReferences(
            new Schema.Parser(), groupOf(artifact), artifact.get("id").asText(), new HashSet<>());
    assertThat(SchemaHistory.fingerprint(registered))
        .isEqualTo(SchemaHistory.fingerprint(WalEdit.getClassSchema()));
  }

  @Test
  void singleObjectRecordsStayReadableWithARegistryConfigured() throws Exception {
    String topic = "roundtrip.single-object";
    try (Admin admin = clients().admin("registry-test")) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    WalEdit edit = edit("ns:customers", "row-2", 1_700_000_000_456L);
    byte[] singleObject = new RecordCodec<>(WalEdit.class).encode(edit);

    try (KafkaProducer<byte[], byte[]> producer = clients().producer("single-object-test")) {
      producer.send(new ProducerRecord<>(topic, key(edit), singleObject)).get();
    }

    assertThat(consume(topic, serdes.deserializer(WalEdit.class), 1)).containsExactly(edit);
  }

  private static KafkaClients clients() {
    return new KafkaClients(stack.config());
  }

  private static <T> List<T> consume(String topic, Deserializer<T> deserializer, int count) {
    List<T> values = new ArrayList<>();
    Map<String, Object> props = clients().consumerProps("registry-test-consumer", null);
    try (KafkaConsumer<byte[], T> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), deserializer)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (values.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], T> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }

  private static JsonNode registeredArtifactFor(String topic) throws Exception {
    JsonNode search = JSON.readTree(get("/search/artifacts?limit=100"));
    for (JsonNode artifact : search.path("artifacts")) {
      if (artifact.path("id").asText().contains(topic)) {
        return artifact;
      }
    }
    throw new AssertionError("no artifact for topic " + topic + " in the registry: " + search);
  }

  /** Parses an artifact after everything it references, as a reader without dereferencing must. */
  private static Schema parseWithReferences(
      Schema.Parser parser, String groupId, String artifactId, Set<String> parsed)
      throws Exception {
    String artifactPath = "/groups/" + groupId + "/artifacts/" + artifactId;
    // By number: 2.4's "latest" alias does not resolve references in the default group.
    String version = JSON.readTree(get(artifactPath + "/meta")).get("version").asText();
    for (JsonNode reference :
        JSON.readTree(get(artifactPath + "/versions/" + version + "/references"))) {
      String referenced = reference.get("artifactId").asText();
      if (!parsed.contains(referenced)) {
        parseWithReferences(parser, groupOf(reference), referenced, parsed);
      }
    }
    parsed.add(artifactId);
    return parser.parse(get(artifactPath));
  }

  private static String groupOf(JsonNode artifact) {
    return artifact.path("groupId").isTextual() ? artifact.get("groupId").asText() : "default";
  }

  private static String get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(stack.registryUrl().orElseThrow() + path)).GET().build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private static byte[] key(WalEdit edit) {
    ByteBuffer row = edit.getRow().duplicate();
    byte[] bytes = new byte[row.remaining()];
    row.get(bytes);
    return EditKey.of(edit.getTable(), bytes);
  }

  private static WalEdit edit(String table, String row, long writeTime) {
    return WalEdit.newBuilder()
        .setTable(table)
        .setRegion("5f2c0e1a9b")
        .setRow(ByteBuffer.wrap(row.getBytes(StandardCharsets.UTF_8)))
        .setWriteTime(writeTime)
        .setSequenceId(42)
        .setQueue(
            QueueId.newBuilder()
                .setServer("rs1.example,16020,1700000000000")
                .setWalGroup("rs1.example%2C16020%2C1700000000000")
                .build())
        .setCells(
            List.of(
                Cell.newBuilder()
                    .setFamily(ByteBuffer.wrap(new byte[] {'f'}))
                    .setQualifier(ByteBuffer.wrap(new byte[] {'q'}))
                    .setTimestamp(writeTime)
                    .setType(CellType.PUT)
                    .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                    .build(),
                Cell.newBuilder()
                    .setFamily(ByteBuffer.wrap(new byte[] {'f'}))
                    .setQualifier(ByteBuffer.allocate(0))
                    .setTimestamp(writeTime - 1)
                    .setType(CellType.DELETE_FAMILY)
                    .build()))
        .build();
  }
}
