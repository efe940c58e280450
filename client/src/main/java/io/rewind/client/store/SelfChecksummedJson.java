package io.rewind.client.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * JSON commit records with their own checksum: {@code checksum} is the SHA-256 of the canonical
 * JSON of every other field. The store's commit records (segment manifests, base manifests) are
 * single PUTs; one that does not parse or whose checksum does not match is torn and reads as
 * absent.
 */
public final class SelfChecksummedJson {

  static final String CHECKSUM = "checksum";

  private SelfChecksummedJson() {}

  public static byte[] encode(Object value) {
    return encode(value, true);
  }

  /**
   * @param pretty indented for people reading the store; large records (index heads and pages) are
   *     written compact
   */
  public static byte[] encode(Object value, boolean pretty) {
    ObjectNode node = Json.MAPPER.valueToTree(value);
    node.put(CHECKSUM, checksum(node));
    try {
      return (pretty ? Json.MAPPER.writerWithDefaultPrettyPrinter() : Json.MAPPER.writer())
          .writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  /** The value, or empty when the bytes are torn, partial or tampered with. */
  public static <T> Optional<T> decode(byte[] bytes, Class<T> type) {
    try {
      JsonNode parsed = Json.MAPPER.readTree(bytes);
      if (!(parsed instanceof ObjectNode) || !parsed.hasNonNull(CHECKSUM)) {
        return Optional.empty();
      }
      ObjectNode node = (ObjectNode) parsed;
      String stored = node.remove(CHECKSUM).asText();
      T value = Json.MAPPER.treeToValue(node, type);
      // Over the fields as written (keys sorted, so their order cannot matter), not the typed
      // value:
      // a record from a newer Rewind, with fields this version does not know, still verifies.
      return stored.equals(checksum(node)) ? Optional.of(value) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static String checksum(JsonNode node) {
    try {
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      copy.remove(CHECKSUM);
      byte[] canonical =
          Json.MAPPER
              .writeValueAsString(Json.MAPPER.treeToValue(copy, Object.class))
              .getBytes(StandardCharsets.UTF_8);
      return ManifestCodec.Sha256.hex(canonical);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
