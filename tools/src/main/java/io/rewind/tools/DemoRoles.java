package io.rewind.tools;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.segment.KeyRing;
import io.rewind.stack.EmbeddedStack;
import io.rewind.store.kafka.RoleAcls.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The settings each part of the demo runs with: with {@code --secure}, its own Kafka user (the
 * stack's {@link Role}s, each holding only its ACLs) and the key ring the demo makes at start
 * ({@code <work dir>/keyring}, one 256-bit key, mode 0600), so segments, base files and captured
 * bulk loads are sealed; without it, the stack's plain settings for every part.
 */
final class DemoRoles {

  static final String KEY_ID = "demo-key-1";

  private final EmbeddedStack stack;
  private final Path keyRing;

  private DemoRoles(EmbeddedStack stack, Path keyRing) {
    this.stack = stack;
    this.keyRing = keyRing;
  }

  /**
   * @param keyRing the key ring {@link #makeKeyRing} made, or null for a demo without security
   */
  static DemoRoles of(EmbeddedStack stack, Path keyRing) {
    return new DemoRoles(stack, keyRing);
  }

  /**
   * Makes the key ring in {@code secureDir}, before the stack starts: the replication peer's
   * settings name it, so the bulk loads the endpoint captures are sealed too.
   */
  static Path makeKeyRing(Path secureDir) throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path file = secureDir.resolve("keyring");
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(
        file,
        "# made by rewind demo --secure: the last line seals, every line opens\n"
            + KEY_ID
            + " "
            + Base64.getEncoder().encodeToString(key)
            + "\n");
    return file;
  }

  private RewindConfig of(Role role) {
    RewindConfig c = stack.config(role);
    return keyRing == null ? c : c.with(KeyRing.KEYRING_FILE, keyRing.toString());
  }

  RewindConfig endpoint() {
    return of(Role.ENDPOINT);
  }

  RewindConfig archiver() {
    return of(Role.ARCHIVER);
  }

  RewindConfig checkpoint() {
    return of(Role.CHECKPOINT);
  }

  /** The status page, and the demo's own look at the edits topic. */
  RewindConfig status() {
    return of(Role.STATUS);
  }

  /** Restores, bases and the compactor: the store only. */
  RewindConfig restore() {
    return of(Role.RESTORE);
  }

  Path keyRingFile() {
    return keyRing;
  }

  /** What the JSON report says of it; null without --secure. */
  DemoReport.Security report() {
    if (keyRing == null) {
      return null;
    }
    DemoReport.Security s = new DemoReport.Security();
    s.protocol = "SASL_SSL";
    s.mechanism = "SCRAM-SHA-512";
    for (Role r :
        new Role[] {
          Role.ENDPOINT, Role.ARCHIVER, Role.CHECKPOINT, Role.STATUS, Role.RESTORE, Role.ADMIN
        }) {
      s.principals.put(r.user(), "User:" + r.user());
    }
    s.keyRingFile = keyRing.toString();
    s.keyIds = List.of(KEY_ID);
    return s;
  }
}
