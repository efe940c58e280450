package io.rewind.producer.hbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.base.FileCopier;
import io.rewind.client.config.RewindConfig;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class KafkaClientCheckTest {

  @Test
  void everyCodecKafkaOffersRunsWhereItsLibraryIs() {
    for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
      assertThatCode(
              () -> KafkaClientCheck.check(config(Map.of("producer.compression.type", codec))))
          .as(codec)
          .doesNotThrowAnyException();
    }
    assertThat(KafkaClientCheck.usableCodecs())
        .containsExactly("none", "gzip", "snappy", "lz4", "zstd");
  }

  @Test
  void aCodecKafkaDoesNotKnowIsRefusedNamingTheSetting() {
    assertThatThrownBy(
            () -> KafkaClientCheck.check(config(Map.of("producer.compression.type", "brotli"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("producer.compression.type=brotli is no codec Kafka knows")
        .hasMessageContaining("[none, gzip, snappy, lz4, zstd]");
  }

  /**
   * As in a RegionServer without snappy-java: the codec fails on its first bytes, so the check
   * refuses it before the peer starts.
   */
  @Test
  void aCodecWhoseLibraryIsMissingIsRefusedNamingTheSettingAndWhatRuns() throws Exception {
    Throwable refused = invokeWithout("snappy-java", "checkCompression", "snappy");

    assertThat(refused)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("producer.compression.type=snappy cannot run in this JVM")
        .hasMessageContaining("NoClassDefFoundError")
        .hasMessageContaining("one of [none, gzip, lz4, zstd]");
  }

  @Test
  void saslMechanismsKafkaOffersPassAnUnknownOneIsRefusedNamingTheSetting() {
    for (String mechanism :
        List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", "OAUTHBEARER")) {
      assertThatCode(
              () ->
                  KafkaClientCheck.check(
                      config(
                          Map.of(
                              "kafka.security.protocol",
                              "SASL_SSL",
                              "kafka.sasl.mechanism",
                              mechanism))))
          .as(mechanism)
          .doesNotThrowAnyException();
    }
    assertThatThrownBy(
            () ->
                KafkaClientCheck.check(
                    config(
                        Map.of(
                            "kafka.security.protocol",
                            "SASL_SSL",
                            "kafka.sasl.mechanism",
                            "SCRAM-SHA512"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "kafka.sasl.mechanism=SCRAM-SHA512 is no SASL mechanism Kafka or this JVM offers");
    assertThatCode(
            () -> KafkaClientCheck.check(config(Map.of("kafka.sasl.mechanism", "SCRAM-SHA512"))))
        .as("no SASL: not used")
        .doesNotThrowAnyException();
  }

  @Test
  void oauthBearerWithoutItsLibraryIsRefusedNamingTheSetting() throws Exception {
    Throwable refused = invokeWithout("jose4j", "checkMechanism", "OAUTHBEARER");

    assertThat(refused)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.sasl.mechanism=OAUTHBEARER needs the jose4j library");
  }

  /**
   * What the master observer refuses add_peer with, and the endpoint its start, when the peer names
   * no broker.
   */
  @Test
  void aPeerWithoutBootstrapServersIsRefusedNamingTheSettingAndTheDocs() {
    assertThatThrownBy(() -> new EndpointSettings(Map.of("topic.prefix", "rewind.")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no 'bootstrap.servers'")
        .hasMessageContaining("(docs/hbase-endpoint.md)");
    assertThat(Paths.get("../docs/hbase-endpoint.md")).exists();
  }

  /**
   * A bad value of an endpoint or shared key refuses the peer (add_peer, the endpoint's start)
   * naming the key.
   */
  @Test
  void aPeerWithABadSettingIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                new EndpointSettings(
                    Map.of(
                        "bootstrap.servers", "b:9092", EndpointSettings.SNAPSHOT_INTERVAL_MS, "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value 5 for configuration endpoint.snapshot.interval.ms: Value must be at least 10");
    assertThatThrownBy(
            () ->
                new EndpointSettings(
                    Map.of("bootstrap.servers", "b:9092", FileCopier.CODEC, "gzip")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("base.codec");
    assertThatThrownBy(
            () ->
                new EndpointSettings(
                    Map.of(
                        "bootstrap.servers", "b:9092", RewindConfig.CHECKPOINT_MARGIN_MS, "soon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("checkpoint.margin.ms");
  }

  private static RewindConfig config(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.put(RewindConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9");
    return RewindConfig.of(all);
  }

  /**
   * Calls KafkaClientCheck.method(argument) in a class loader of this test's classpath without the
   * jar named like {@code library}.
   */
  private static Throwable invokeWithout(String library, String method, String argument)
      throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!Paths.get(entry).getFileName().toString().startsWith(library)) {
        urls.add(Paths.get(entry).toUri().toURL());
      }
    }
    assertThat(urls)
        .hasSizeLessThan(System.getProperty("java.class.path").split(File.pathSeparator).length);
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Method m =
          loader
              .loadClass(KafkaClientCheck.class.getName())
              .getDeclaredMethod(method, String.class);
      m.setAccessible(true);
      try {
        m.invoke(null, argument);
        return null;
      } catch (InvocationTargetException e) {
        return e.getCause();
      }
    }
  }
}
