package io.rewind.schemas.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializers for Rewind's records, on one of two paths:
 *
 * <ul>
 *   <li>with a registry URL (the full URL, ending in {@code /apis/registry/v2} or {@code /v3}):
 *       Apicurio's Avro serdes register and resolve schemas; loaded by class name so that a
 *       RegionServer without a registry does not need the Apicurio jars;
 *   <li>without one: Avro single-object encoding, resolved against {@link SchemaHistory}.
 * </ul>
 *
 * Deserializers read both encodings whatever the configuration, so a topic written before a
 * registry was configured stays readable after.
 */
public final class SerdeFactory {

  static final String APICURIO_SERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaSerializer";
  static final String APICURIO_DESERIALIZER =
      "io.apicurio.registry.serde.avro.AvroKafkaDeserializer";

  private final String registryUrl;
  private final Map<String, Object> apicurioConfig;

  /**
   * @param registryUrl the registry's full API URL, or null/blank for single-object encoding
   */
  public SerdeFactory(String registryUrl) {
    this(registryUrl, Map.of());
  }

  /**
   * @param extraApicurioConfig passed through to the Apicurio serdes (auth, caching)
   */
  public SerdeFactory(String registryUrl, Map<String, ?> extraApicurioConfig) {
    this.registryUrl = registryUrl == null || registryUrl.isBlank() ? null : registryUrl.trim();
    Map<String, Object> config = new HashMap<>(extraApicurioConfig);
    if (this.registryUrl != null) {
      config.put("apicurio.registry.url", this.registryUrl);
      config.putIfAbsent("apicurio.registry.auto-register", "true");
      config.putIfAbsent("apicurio.registry.find-latest", "false");
      config.putIfAbsent("apicurio.registry.use-specific-avro-reader", "true");
    }
    this.apicurioConfig = Map.copyOf(config);
  }

  public boolean usesRegistry() {
    return registryUrl != null;
  }

  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return Serdes.serdeFrom(serializer(type), deserializer(type));
  }

  public <T extends SpecificRecord> Serializer<T> serializer(Class<T> type) {
    if (registryUrl == null) {
      RecordCodec<T> codec = new RecordCodec<>(type);
      return (topic, record) -> record == null ? null : codec.encode(record);
    }
    Serializer<T> apicurio = instantiate(APICURIO_SERIALIZER);
    apicurio.configure(apicurioConfig, false);
    return apicurio;
  }

  public <T extends SpecificRecord> Deserializer<T> deserializer(Class<T> type) {
    RecordCodec<T> codec = new RecordCodec<>(type);
    Deserializer<T> apicurio;
    if (registryUrl == null) {
      apicurio = null;
    } else {
      apicurio = instantiate(APICURIO_DESERIALIZER);
      apicurio.configure(apicurioConfig, false);
    }
    return new Deserializer<>() {
      @Override
      public T deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
      }

      @Override
      public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
          return null;
        }
        if (RecordCodec.isSingleObject(data)) {
          return codec.decode(data);
        }
        if (data.length == 0 || data[0] != 0) {
          // Neither Avro's single-object header nor a registry's framing (magic byte 0, then the
          // schema id).
          throw new UnknownSchemaException(
              "a record on "
                  + topic
                  + " is not a "
                  + type.getSimpleName()
                  + " Rewind wrote: it starts with neither Avro's"
                  + " single-object header (0xC3 0x01) nor a schema registry's framing (0x00), but "
                  + (data.length == 0
                      ? "is empty"
                      : "0x"
                          + String.format("%02X", data[0] & 0xff)
                          + " ("
                          + data.length
                          + " bytes)")
                  + ". Something other than Rewind"
                  + " writes to this topic",
              null);
        }
        if (apicurio == null) {
          throw new UnknownSchemaException(
              "a "
                  + type.getSimpleName()
                  + " on "
                  + topic
                  + " was written through a schema registry, but no registry URL is configured:"
                  + " set registry.url to the registry's full API URL",
              null);
        }
        return headers == null
            ? apicurio.deserialize(topic, data)
            : apicurio.deserialize(topic, headers, data);
      }

      @Override
      public void close() {
        if (apicurio != null) {
          apicurio.close();
        }
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <S> S instantiate(String className) {
    try {
      return (S) Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "a registry URL is configured but the Apicurio serdes are not on the classpath ("
              + className
              + "): add io.apicurio:apicurio-registry-avro-serde-kafka or unset registry.url",
          e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + className, e);
    }
  }
}
