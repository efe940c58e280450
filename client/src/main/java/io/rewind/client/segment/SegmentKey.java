package io.rewind.client.segment;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.store.ManifestCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * The client-side encryption key of segments (AES-GCM, 128/192/256-bit), with the id recorded in
 * every manifest it sealed. Settings:
 *
 * <ul>
 *   <li>{@value #KEY_FILE}: a file holding the key, base64 (preferred: file permissions protect
 *       it);
 *   <li>{@value #KEY_ENV}: the name of an environment variable holding the key, base64;
 *   <li>{@value #KEY_ID}: the id written to manifests (default {@code sha256:} and the first 16 hex
 *       digits of the key's SHA-256: a fingerprint, never the key).
 * </ul>
 *
 * <p>A sealed segment is {@code "RWE1" | 12-byte IV | ciphertext | 16-byte tag}; the associated
 * data is the segment's key in the store, so a segment moved under another name does not decrypt.
 * The IV is derived from the plaintext (HMAC-SHA-256 under a key derived from this one, as in SIV
 * schemes): two archivers sealing the same range produce the same bytes, so a zombie overwriting a
 * committed segment with its copy cannot change it, and an IV never repeats for different data.
 * {@code RWE1} seals a whole buffer: the writer and the reader hold the object in memory.
 *
 * <p>{@link #encryptingStream} and {@link #decryptingStream} seal and open {@code RWE2} objects
 * instead, chunk by chunk, in memory independent of their size (layout and guarantees in {@link
 * SealedChunks}): for objects too large to hold. Their bytes are not a function of the plaintext
 * (each object has a random salt), so a second writer of the same path writes different bytes.
 */
public final class SegmentKey {

  public static final String KEY_FILE = "segment.encryption.key.file";
  public static final String KEY_ENV = "segment.encryption.key.env";
  public static final String KEY_ID = "segment.encryption.key.id";

  private static final byte[] MAGIC = {'R', 'W', 'E', '1'};
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final String id;
  private final SecretKeySpec key;
  private final SecretKeySpec ivKey;

  /** The key the keys of RWE2 objects are derived from, never used to seal directly. */
  private final byte[] streamKey;

  private final int keyBytes;

  private SegmentKey(String id, byte[] material) {
    if (material.length != 16 && material.length != 24 && material.length != 32) {
      throw new RewindException(
          Kind.REFUSED,
          "a segment encryption key must be 16, 24 or 32 bytes (AES-128/192/256), base64-encoded; got "
              + material.length
              + " bytes. Make one with: head -c 32 /dev/urandom | base64");
    }
    this.id = id == null || id.isBlank() ? fingerprint(material) : id.trim();
    this.key = new SecretKeySpec(material.clone(), "AES");
    this.ivKey =
        new SecretKeySpec(
            hmac(
                new SecretKeySpec(material, "HmacSHA256"),
                "rewind segment iv".getBytes(StandardCharsets.UTF_8)),
            "HmacSHA256");
    this.streamKey =
        SealedChunks.hmac(material, "rewind segment stream".getBytes(StandardCharsets.UTF_8));
    this.keyBytes = material.length;
  }

  /** A key from its raw bytes; a null or blank id means the fingerprint. */
  public static SegmentKey of(String id, byte[] material) {
    return new SegmentKey(id, material);
  }

  /** A key from its base64 text. */
  public static SegmentKey ofBase64(String id, String base64) {
    try {
      return new SegmentKey(id, Base64.getDecoder().decode(base64.trim()));
    } catch (IllegalArgumentException e) {
      throw new RewindException(
          Kind.REFUSED, "the segment encryption key is not valid base64: " + e.getMessage(), e);
    }
  }

  /**
   * The configured key, or empty when encryption is off (neither setting given).
   *
   * @param env the environment, for {@value #KEY_ENV}
   */
  public static Optional<SegmentKey> fromConfig(RewindConfig config, Map<String, String> env) {
    AbstractConfig settings = config.parse(KeyRing.CONFIG);
    String file = settings.getString(KEY_FILE);
    String var = settings.getString(KEY_ENV);
    String id = settings.getString(KEY_ID);
    if (!file.isEmpty() && !var.isEmpty()) {
      throw new RewindException(
          Kind.REFUSED, "set either " + KEY_FILE + " or " + KEY_ENV + ", not both");
    }
    if (!file.isEmpty()) {
      try {
        return Optional.of(
            ofBase64(
                id, new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.US_ASCII)));
      } catch (IOException e) {
        throw new RewindException(
            Kind.REFUSED,
            "cannot read the segment encryption key file " + file + " (" + KEY_FILE + "): " + e,
            e);
      }
    }
    if (!var.isEmpty()) {
      String value = env.get(var);
      if (value == null || value.isBlank()) {
        throw new RewindException(
            Kind.REFUSED,
            KEY_ENV
                + " names the environment variable "
                + var
                + ", which is not set: export it with the base64 key");
      }
      return Optional.of(ofBase64(id, value));
    }
    return Optional.empty();
  }

  /** The configured key from this process's environment. */
  public static Optional<SegmentKey> fromConfig(RewindConfig config) {
    return fromConfig(config, System.getenv());
  }

  public String id() {
    return id;
  }

  /** Seals a segment's bytes; {@code segmentPath} is bound as associated data. */
  public byte[] encrypt(byte[] plain, String segmentPath) {
    byte[] iv =
        Arrays.copyOf(
            hmac(
                ivKey,
                concat(
                    segmentPath.getBytes(StandardCharsets.UTF_8),
                    ManifestCodec.Sha256.newDigest().digest(plain))),
            IV_BYTES);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(segmentPath.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(MAGIC.length + IV_BYTES + sealed.length)
          .put(MAGIC)
          .put(iv)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every JRE", e);
    }
  }

  /**
   * Opens bytes sealed by {@link #encrypt}.
   *
   * @throws SegmentKeyException when this key does not open them (wrong key material)
   * @throws CorruptSegmentException when they are not a sealed segment at all
   */
  public byte[] decrypt(byte[] sealed, String segmentPath) {
    if (sealed.length < MAGIC.length + IV_BYTES + TAG_BITS / 8
        || !Arrays.equals(Arrays.copyOf(sealed, MAGIC.length), MAGIC)) {
      throw new CorruptSegmentException(
          segmentPath,
          "its manifest says it is encrypted but it does not start like a sealed segment",
          null);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, MAGIC.length, IV_BYTES));
      cipher.updateAAD(segmentPath.getBytes(StandardCharsets.UTF_8));
      int from = MAGIC.length + IV_BYTES;
      return cipher.doFinal(sealed, from, sealed.length - from);
    } catch (AEADBadTagException e) {
      throw new SegmentKeyException(
          segmentPath,
          id,
          "the configured key with that id does not open it (wrong key material)",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every JRE", e);
    }
  }

  /**
   * A stream that seals what is written to it as an {@code RWE2} object bound to {@code path} (its
   * key in the store) and writes it to {@code out}, in chunks of 1 MiB; {@code close()} seals the
   * last chunk and closes {@code out}. Holds two chunks, whatever the object's size.
   */
  public OutputStream encryptingStream(OutputStream out, String path) throws IOException {
    return encryptingStream(out, path, SealedChunks.DEFAULT_CHUNK_BYTES);
  }

  /** The same with another chunk size (at most 16 MiB): for tests of chunk boundaries. */
  OutputStream encryptingStream(OutputStream out, String path, int chunkBytes) throws IOException {
    if (chunkBytes < 1 || chunkBytes > SealedChunks.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("RWE2 chunks hold 1 byte to 16 MiB, not " + chunkBytes);
    }
    byte[] header = new byte[SealedChunks.HEADER_BYTES];
    SealedChunks chunks = SealedChunks.forWriting(streamKey, keyBytes, chunkBytes, path, header);
    return new SealingOutputStream(out, chunks, header);
  }

  /**
   * The plaintext of an {@code RWE2} object read from {@code in}, each chunk authenticated before
   * any of its bytes is returned, the end returned only after the last chunk; closing it closes
   * {@code in}. Holds two chunks, whatever the object's size. Its reads throw {@link
   * SegmentKeyException} when this key did not seal the object and {@link CorruptSegmentException}
   * naming {@code path} when the object is damaged, truncated, reordered, extended or was sealed
   * under another path.
   */
  public InputStream decryptingStream(InputStream in, String path) {
    return new OpeningInputStream(in, this, path);
  }

  /**
   * Whether sealed bytes start like an {@code RWE2} object (else they are {@code RWE1} or not
   * sealed).
   */
  public static boolean isStreaming(byte[] start) {
    return start.length >= SealedChunks.MAGIC.length
        && Arrays.equals(Arrays.copyOf(start, SealedChunks.MAGIC.length), SealedChunks.MAGIC);
  }

  /** The opener of the chunks of an RWE2 object with this header. */
  SealedChunks openerOf(byte[] header, String path) {
    SealedChunks chunks = SealedChunks.forReading(streamKey, keyBytes, header, path);
    if (chunks == null) {
      throw new SegmentKeyException(
          path,
          id,
          "the configured key with that id did not seal it (wrong key material, or a damaged header)",
          null);
    }
    return chunks;
  }

  private static String fingerprint(byte[] material) {
    return "sha256:" + ManifestCodec.Sha256.hex(material).substring(0, 16);
  }

  private static byte[] hmac(SecretKeySpec k, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(k);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JRE", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + 1 + b.length);
    System.arraycopy(b, 0, out, a.length + 1, b.length);
    return out;
  }

  @Override
  public String toString() {
    return "segment key " + id;
  }
}
