package io.rewind.client.segment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The layout of a streaming sealed object ({@code RWE2}), shared by {@link SealingOutputStream} and
 * {@link OpeningInputStream}:
 *
 * <pre>
 * header  = "RWE2" | u32 chunk size | 16-byte salt | 7-byte nonce prefix | 16-byte key check   (47 bytes)
 * chunk i = AES-GCM(object key, nonce = prefix | u32 i | u8 last, aad = header | store path UTF-8)
 * </pre>
 *
 * <p>Every chunk but the last seals exactly {@code chunk size} plaintext bytes, the last 0 to chunk
 * size (an empty object is one empty last chunk), each followed by its 16-byte tag. The object key
 * is derived from the segment key and the object's random salt, so two objects never share a (key,
 * nonce) pair whatever their prefixes. The index and last flag in each nonce detect reordered,
 * dropped and appended chunks and a truncation at a chunk boundary; the header and the path in each
 * chunk's associated data detect an edited header and an object moved under another name. The key
 * check (an HMAC of the header under the segment key) tells a wrong key from a damaged object.
 *
 * <p>Unlike {@code RWE1} the bytes are not a function of the plaintext (the salt is random): a
 * second writer of the same path writes different bytes.
 */
final class SealedChunks {

  static final byte[] MAGIC = {'R', 'W', 'E', '2'};

  /** Plaintext bytes per chunk: what the reader holds at once, twice (ciphertext and plaintext). */
  static final int DEFAULT_CHUNK_BYTES = 1 << 20;

  /**
   * A header naming larger chunks is refused as damaged: a reader allocates a chunk before it can
   * authenticate it.
   */
  static final int MAX_CHUNK_BYTES = 16 << 20;

  static final int TAG_BYTES = 16;
  static final int SALT_BYTES = 16;
  static final int PREFIX_BYTES = 7;
  static final int CHECK_BYTES = 16;
  static final int CHECK_OFFSET = MAGIC.length + 4 + SALT_BYTES + PREFIX_BYTES;
  static final int HEADER_BYTES = CHECK_OFFSET + CHECK_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec objectKey;
  private final byte[] noncePrefix;
  private final byte[] aad;
  private final int chunkBytes;
  private final Cipher cipher;

  private SealedChunks(SecretKeySpec objectKey, byte[] header, String path) {
    this.objectKey = objectKey;
    this.noncePrefix = Arrays.copyOfRange(header, MAGIC.length + 4 + SALT_BYTES, CHECK_OFFSET);
    this.chunkBytes = ByteBuffer.wrap(header, MAGIC.length, 4).getInt();
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    this.aad = Arrays.copyOf(header, HEADER_BYTES + p.length);
    System.arraycopy(p, 0, aad, HEADER_BYTES, p.length);
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every JRE", e);
    }
  }

  /** A new object's header (fresh salt and prefix) and the sealer for its chunks. */
  static SealedChunks forWriting(
      byte[] streamKey, int keyBytes, int chunkBytes, String path, byte[] headerOut) {
    ByteBuffer h = ByteBuffer.wrap(headerOut);
    byte[] saltAndPrefix = new byte[SALT_BYTES + PREFIX_BYTES];
    RANDOM.nextBytes(saltAndPrefix);
    h.put(MAGIC).putInt(chunkBytes).put(saltAndPrefix);
    h.put(keyCheck(streamKey, headerOut));
    return new SealedChunks(objectKey(streamKey, headerOut, keyBytes), headerOut, path);
  }

  /**
   * The opener of an object whose header is given, or null when the header's key check says the key
   * is not the one that sealed it. The caller has checked the magic and the chunk size.
   */
  static SealedChunks forReading(byte[] streamKey, int keyBytes, byte[] header, String path) {
    byte[] expected = keyCheck(streamKey, header);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(header, CHECK_OFFSET, HEADER_BYTES))) {
      return null;
    }
    return new SealedChunks(objectKey(streamKey, header, keyBytes), header, path);
  }

  /** The chunk size a header names. */
  static int chunkBytes(byte[] header) {
    return ByteBuffer.wrap(header, MAGIC.length, 4).getInt();
  }

  int chunkBytes() {
    return chunkBytes;
  }

  /**
   * Seals {@code length} plaintext bytes as chunk {@code index} into {@code out}; returns the bytes
   * written.
   */
  int seal(long index, boolean last, byte[] plain, int length, byte[] out)
      throws GeneralSecurityException {
    cipher.init(
        Cipher.ENCRYPT_MODE, objectKey, new GCMParameterSpec(TAG_BYTES * 8, nonce(index, last)));
    cipher.updateAAD(aad);
    return cipher.doFinal(plain, 0, length, out, 0);
  }

  /**
   * Opens chunk {@code index} ({@code length} bytes with its tag) into {@code out}; returns the
   * plaintext bytes.
   *
   * @throws javax.crypto.AEADBadTagException when it was not sealed as that chunk of this object
   */
  int open(long index, boolean last, byte[] sealed, int length, byte[] out)
      throws GeneralSecurityException {
    cipher.init(
        Cipher.DECRYPT_MODE, objectKey, new GCMParameterSpec(TAG_BYTES * 8, nonce(index, last)));
    cipher.updateAAD(aad);
    return cipher.doFinal(sealed, 0, length, out, 0);
  }

  private byte[] nonce(long index, boolean last) {
    if (index > 0xFFFF_FFFFL) {
      throw new IllegalStateException("an RWE2 object holds at most 2^32 chunks");
    }
    return ByteBuffer.allocate(PREFIX_BYTES + 5)
        .put(noncePrefix)
        .putInt((int) index)
        .put((byte) (last ? 1 : 0))
        .array();
  }

  /**
   * The key of one object: the stream key's HMAC of the object's salt, cut to the segment key's
   * length.
   */
  private static SecretKeySpec objectKey(byte[] streamKey, byte[] header, int keyBytes) {
    byte[] input = new byte[1 + SALT_BYTES];
    input[0] = 'k';
    System.arraycopy(header, MAGIC.length + 4, input, 1, SALT_BYTES);
    return new SecretKeySpec(Arrays.copyOf(hmac(streamKey, input), keyBytes), "AES");
  }

  /** An HMAC of the header up to the check: only the key that sealed the object reproduces it. */
  private static byte[] keyCheck(byte[] streamKey, byte[] header) {
    byte[] input = new byte[1 + CHECK_OFFSET];
    input[0] = 'c';
    System.arraycopy(header, 0, input, 1, CHECK_OFFSET);
    return Arrays.copyOf(hmac(streamKey, input), CHECK_BYTES);
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JRE", e);
    }
  }
}
