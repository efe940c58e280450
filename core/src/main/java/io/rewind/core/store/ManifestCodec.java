package io.rewind.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Manifest JSON with its own checksum: {@code checksum} is the SHA-256 of the canonical JSON of
 * every other field. A manifest that does not parse or whose checksum does not match (a torn or
 * partial write) is reported as absent, never half-trusted.
 */
public final class ManifestCodec {

  static final String CHECKSUM = "checksum";

  private ManifestCodec() {}

  public static byte[] encode(Manifest manifest) {
    ObjectNode node = Json.MAPPER.valueToTree(manifest);
    node.put(CHECKSUM, checksum(node));
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + manifest, e);
    }
  }

  /** The manifest, or empty when the bytes are torn, partial or tampered with. */
  public static Optional<Manifest> decode(byte[] bytes) {
    try {
      JsonNode parsed = Json.MAPPER.readTree(bytes);
      if (!(parsed instanceof ObjectNode) || !parsed.hasNonNull(CHECKSUM)) {
        return Optional.empty();
      }
      ObjectNode node = (ObjectNode) parsed;
      String stored = node.remove(CHECKSUM).asText();
      Manifest manifest = Json.MAPPER.treeToValue(node, Manifest.class);
      // Re-derive from the typed value so field order and number formatting cannot matter.
      String expected = checksum(Json.MAPPER.valueToTree(manifest));
      return stored.equals(expected) ? Optional.of(manifest) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static String checksum(JsonNode node) {
    try {
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      copy.remove(CHECKSUM);
      byte[] canonical = Json.MAPPER.writeValueAsString(Json.MAPPER.treeToValue(copy, Object.class))
          .getBytes(StandardCharsets.UTF_8);
      return Sha256.hex(canonical);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 helpers, used for manifests and segments alike. */
  public static final class Sha256 {
    private Sha256() {}

    public static MessageDigest newDigest() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required by every JRE", e);
      }
    }

    public static String hex(byte[] data) {
      return toHex(newDigest().digest(data));
    }

    public static String toHex(byte[] digest) {
      StringBuilder sb = new StringBuilder(digest.length * 2);
      for (byte b : digest) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    }
  }
}
