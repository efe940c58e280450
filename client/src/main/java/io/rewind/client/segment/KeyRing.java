package io.rewind.client.segment;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The client-side encryption keys of a store, by id: every object (segment, base file) names the id
 * of the key that sealed it, any key of the ring opens what it sealed, and new objects are sealed
 * with the newest key. This is what makes rotation possible without rewriting anything: add a key
 * (it seals from then on), keep the older ones for reading, and retire one only once {@code rewind
 * verify} shows no object needs it (docs/operations.md, "Encryption and key rotation").
 *
 * <p>Settings: {@value #KEYRING_FILE}, a file of one key per line, {@code <id> <base64 key>},
 * oldest first (the last line seals), {@code #} comments and blank lines ignored; or the single key
 * of {@link SegmentKey#KEY_FILE} / {@link SegmentKey#KEY_ENV} (a ring of one), not both.
 */
public final class KeyRing {

  public static final String KEYRING_FILE = "segment.encryption.keyring.file";

  /** The segment.encryption.* settings: the key ring, or the single key of {@link SegmentKey}. */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              KEYRING_FILE,
              Type.STRING,
              "",
              Importance.HIGH,
              "The key ring: one key per line, `<id> <base64>`, oldest first; the last line seals every new segment, merged"
                  + " segment, base file and captured bulk-loaded file, any line opens what it sealed (see \"Encryption and"
                  + " key rotation\"); empty: no encryption.")
          .define(
              SegmentKey.KEY_FILE,
              Type.STRING,
              "",
              Importance.HIGH,
              "A file holding a single base64 key instead of a ring (a ring of one); not together with the ring.")
          .define(
              SegmentKey.KEY_ENV,
              Type.STRING,
              "",
              Importance.HIGH,
              "The environment variable holding a single base64 key, instead of "
                  + SegmentKey.KEY_FILE
                  + ".")
          .define(
              SegmentKey.KEY_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "The id of that single key; empty: its fingerprint.");

  private static final KeyRing NONE = new KeyRing(new LinkedHashMap<>(), null);

  private final Map<String, SegmentKey> byId;
  private final SegmentKey writer;

  private KeyRing(Map<String, SegmentKey> byId, SegmentKey writer) {
    this.byId = byId;
    this.writer = writer;
  }

  /** No key: nothing is sealed, nothing sealed can be opened. */
  public static KeyRing none() {
    return NONE;
  }

  /** A ring of these keys, oldest first: the last one seals. */
  public static KeyRing of(SegmentKey... keys) {
    Map<String, SegmentKey> byId = new LinkedHashMap<>();
    SegmentKey last = null;
    for (SegmentKey k : keys) {
      if (k == null) {
        continue;
      }
      if (byId.put(k.id(), k) != null) {
        throw new RewindException(
            Kind.REFUSED,
            "two keys with the id '" + k.id() + "' in one key ring: give each key its own id");
      }
      last = k;
    }
    return byId.isEmpty() ? NONE : new KeyRing(byId, last);
  }

  /** The configured ring (empty when encryption is off). */
  public static KeyRing fromConfig(RewindConfig config) {
    return fromConfig(config, System.getenv());
  }

  /**
   * @param env the environment, for {@link SegmentKey#KEY_ENV}
   */
  public static KeyRing fromConfig(RewindConfig config, Map<String, String> env) {
    String file = config.parse(CONFIG).getString(KEYRING_FILE);
    Optional<SegmentKey> single = SegmentKey.fromConfig(config, env);
    if (file.isEmpty()) {
      return single.map(KeyRing::of).orElse(NONE);
    }
    if (single.isPresent()) {
      throw new RewindException(
          Kind.REFUSED,
          "set either "
              + KEYRING_FILE
              + " (several keys) or "
              + SegmentKey.KEY_FILE
              + " / "
              + SegmentKey.KEY_ENV
              + " (one key), not both: put the single key into the key ring file as a line '<id> <base64>'");
    }
    return read(Paths.get(file));
  }

  /** A key ring file: {@code <id> <base64>} per line, oldest first. */
  public static KeyRing read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new RewindException(
          Kind.REFUSED,
          "cannot read the key ring file " + file + " (" + KEYRING_FILE + "): " + e,
          e);
    }
    List<SegmentKey> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new RewindException(
            Kind.REFUSED,
            "line "
                + (i + 1)
                + " of the key ring file "
                + file
                + " is not '<id> <base64 key>'"
                + " (ids hold no spaces; make a key with: head -c 32 /dev/urandom | base64)");
      }
      try {
        keys.add(SegmentKey.ofBase64(parts[0], parts[1]));
      } catch (RewindException e) {
        throw new RewindException(
            Kind.REFUSED,
            "line " + (i + 1) + " of the key ring file " + file + ": " + e.getMessage(),
            e);
      }
    }
    if (keys.isEmpty()) {
      throw new RewindException(
          Kind.REFUSED,
          "the key ring file "
              + file
              + " holds no key: add a line '<id> <base64 key>'"
              + " (make a key with: head -c 32 /dev/urandom | base64), or unset "
              + KEYRING_FILE
              + " to write unencrypted");
    }
    return of(keys.toArray(SegmentKey[]::new));
  }

  public boolean isEmpty() {
    return byId.isEmpty();
  }

  /** The key new objects are sealed with (the newest), or empty when encryption is off. */
  public Optional<SegmentKey> writer() {
    return Optional.ofNullable(writer);
  }

  /** The key with this id, if the ring holds it. */
  public Optional<SegmentKey> forId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public boolean holds(String id) {
    return byId.containsKey(id);
  }

  /** The ids, oldest first. */
  public List<String> ids() {
    return List.copyOf(byId.keySet());
  }

  /**
   * The key that opens the object at {@code path}, sealed with {@code keyId}.
   *
   * @throws SegmentKeyException naming the object, the id and the settings, when the ring lacks it
   */
  public SegmentKey opener(String path, String keyId) {
    SegmentKey key = byId.get(keyId);
    if (key == null) {
      throw new SegmentKeyException(
          path,
          keyId,
          byId.isEmpty()
              ? "no segment encryption key is configured"
              : "the configured key ring holds only the ids " + String.join(", ", byId.keySet()),
          null);
    }
    return key;
  }

  @Override
  public String toString() {
    return byId.isEmpty()
        ? "no key ring"
        : "key ring " + byId.keySet() + " (sealing with " + writer.id() + ")";
  }
}
