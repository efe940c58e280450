package io.rewind.client.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Manifest JSON with its own checksum ({@link SelfChecksummedJson}): a manifest that does not parse
 * or whose checksum does not match (a torn or partial write) is reported as absent, never
 * half-trusted.
 */
public final class ManifestCodec {

  private ManifestCodec() {}

  public static byte[] encode(Manifest manifest) {
    return SelfChecksummedJson.encode(manifest);
  }

  /** The manifest, or empty when the bytes are torn, partial or tampered with. */
  public static Optional<Manifest> decode(byte[] bytes) {
    return SelfChecksummedJson.decode(bytes, Manifest.class);
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
