package io.rewind.producer.hbase;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClientFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Whether the Kafka producer a peer's settings ask for can run in this JVM, checked before the peer
 * starts: a codec or SASL mechanism whose library is missing would otherwise fail only when the
 * first batch is compressed or the first connection made, and HBase would retry that batch forever
 * while the peer ships nothing. The codec is tried on a few bytes (its classes and native library
 * load only then); a SASL mechanism must be one Kafka or the JVM offers, with the library it needs.
 */
final class KafkaClientCheck {

  static final String COMPRESSION_SETTING = "producer." + ProducerConfig.COMPRESSION_TYPE_CONFIG;
  static final String MECHANISM_SETTING = "kafka." + SaslConfigs.SASL_MECHANISM;
  static final String PROTOCOL_SETTING = "kafka." + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG;

  private static final Set<String> KAFKA_MECHANISMS =
      Set.of("GSSAPI", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER");

  /**
   * A class of the JOSE library OAUTHBEARER's token retrieval and validation use; Kafka does not
   * bundle it.
   */
  private static final String OAUTHBEARER_LIBRARY_CLASS = "org.jose4j.jws.JsonWebSignature";

  private KafkaClientCheck() {}

  /**
   * @throws IllegalArgumentException naming the setting that asks for what this JVM cannot run, and
   *     the fix
   */
  static void check(RewindConfig config) {
    Map<String, Object> producer = new KafkaClients(config).producerProps("rewind-check");
    checkCompression(String.valueOf(producer.get(ProducerConfig.COMPRESSION_TYPE_CONFIG)));
    String protocol =
        String.valueOf(
            producer.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
    if (protocol.trim().toUpperCase(Locale.ROOT).startsWith("SASL_")) {
      checkMechanism(
          String.valueOf(
                  producer.getOrDefault(
                      SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM))
              .trim());
    }
  }

  static void checkCompression(String name) {
    CompressionType type;
    try {
      type = CompressionType.forName(name.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          COMPRESSION_SETTING
              + "="
              + name
              + " is no codec Kafka knows: set it to one of "
              + usableCodecs()
              + " in the replication peer's configuration (update_peer_config, docs/hbase-endpoint.md)",
          e);
    }
    Throwable failure = roundTrip(type);
    if (failure != null) {
      throw new IllegalArgumentException(
          COMPRESSION_SETTING
              + "="
              + name
              + " cannot run in this JVM ("
              + failure
              + "): its library is neither in the Rewind endpoint jar nor on the RegionServer's classpath. Set "
              + COMPRESSION_SETTING
              + " to one of "
              + usableCodecs()
              + " in the replication peer's configuration"
              + " (update_peer_config, docs/hbase-endpoint.md), or add the codec's library to every RegionServer's lib/",
          failure);
    }
  }

  static void checkMechanism(String mechanism) {
    if (!KAFKA_MECHANISMS.contains(mechanism) && !offeredByJvm(mechanism)) {
      throw new IllegalArgumentException(
          MECHANISM_SETTING
              + "="
              + mechanism
              + " is no SASL mechanism Kafka or this JVM offers:"
              + " set it to one of "
              + new TreeSet<>(KAFKA_MECHANISMS)
              + " in the replication peer's configuration"
              + " (docs/hbase-endpoint.md)");
    }
    if (mechanism.equals("OAUTHBEARER")) {
      try {
        Class.forName(OAUTHBEARER_LIBRARY_CLASS, false, KafkaClientCheck.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalArgumentException(
            MECHANISM_SETTING
                + "=OAUTHBEARER needs the jose4j library, which this JVM cannot load ("
                + e
                + "): use the Rewind endpoint jar (it carries jose4j) or set "
                + MECHANISM_SETTING
                + " to another of "
                + new TreeSet<>(KAFKA_MECHANISMS),
            e);
      }
    }
  }

  /** The codecs that run here, for the message: a round trip each. */
  static List<String> usableCodecs() {
    List<String> usable = new ArrayList<>();
    for (CompressionType t : CompressionType.values()) {
      if (roundTrip(t) == null) {
        usable.add(t.name);
      }
    }
    return usable;
  }

  /**
   * Null when bytes compressed with the codec come back the same; else what failed (a missing class
   * or native library).
   */
  private static Throwable roundTrip(CompressionType type) {
    byte[] sample =
        "Rewind codec check, Rewind codec check, Rewind codec check"
            .getBytes(StandardCharsets.UTF_8);
    try {
      Compression compression = Compression.of(type).build();
      ByteBufferOutputStream compressed = new ByteBufferOutputStream(256);
      try (OutputStream out =
          compression.wrapForOutput(compressed, RecordBatch.CURRENT_MAGIC_VALUE)) {
        out.write(sample);
      }
      ByteBuffer buffer = compressed.buffer();
      buffer.flip();
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      try (InputStream in =
          compression.wrapForInput(
              buffer, RecordBatch.CURRENT_MAGIC_VALUE, BufferSupplier.NO_CACHING)) {
        in.transferTo(back);
      }
      return Arrays.equals(sample, back.toByteArray())
          ? null
          : new IOException("the codec returned other bytes than it was given");
    } catch (IOException | RuntimeException | LinkageError e) {
      return e;
    }
  }

  private static boolean offeredByJvm(String mechanism) {
    for (Enumeration<SaslClientFactory> f = Sasl.getSaslClientFactories(); f.hasMoreElements(); ) {
      if (Arrays.asList(f.nextElement().getMechanismNames(null)).contains(mechanism)) {
        return true;
      }
    }
    return false;
  }
}
