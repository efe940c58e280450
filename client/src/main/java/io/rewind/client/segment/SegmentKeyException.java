package io.rewind.client.segment;

/**
 * An encrypted segment cannot be decrypted: no key configured, a key with another id, or key
 * material that does not open it. The message names the segment, the key id and the settings.
 */
public final class SegmentKeyException extends SegmentException {
  private static final long serialVersionUID = 1L;

  private final String keyId;

  public SegmentKeyException(String segmentPath, String keyId, String problem, Throwable cause) {
    super(
        segmentPath,
        "segment "
            + segmentPath
            + " is encrypted with key id '"
            + keyId
            + "' and "
            + problem
            + ". Configure that key: a line '<id> <base64 key>' in the key ring file ("
            + KeyRing.KEYRING_FILE
            + "), or "
            + SegmentKey.KEY_FILE
            + " (a file holding the base64 key) or "
            + SegmentKey.KEY_ENV
            + " (the name of an environment variable holding it), and "
            + SegmentKey.KEY_ID
            + " if it was given an id",
        cause);
    this.keyId = keyId;
  }

  public String keyId() {
    return keyId;
  }
}
