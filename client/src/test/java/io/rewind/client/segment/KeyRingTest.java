package io.rewind.client.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

  @TempDir Path dir;

  private static String key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void theLastLineSealsAndEveryIdOpens() throws Exception {
    Path file = dir.resolve("keyring");
    Files.writeString(file, "# rotated 2026-12-01\nk1 " + key(1) + "\n\nk2 " + key(2) + "\n");
    KeyRing ring =
        KeyRing.fromConfig(
            RewindConfig.of(Map.of(KeyRing.KEYRING_FILE, file.toString())), Map.of());

    assertThat(ring.ids()).containsExactly("k1", "k2");
    assertThat(ring.writer().orElseThrow().id()).isEqualTo("k2");
    byte[] sealed =
        SegmentKey.ofBase64("k1", key(1)).encrypt(new byte[] {1, 2, 3}, "segments/p=0/a.avro");
    assertThat(ring.opener("segments/p=0/a.avro", "k1").decrypt(sealed, "segments/p=0/a.avro"))
        .containsExactly(1, 2, 3);
    assertThatThrownBy(() -> ring.opener("segments/p=0/b.avro", "k0"))
        .isInstanceOf(SegmentKeyException.class)
        .hasMessageContaining("segments/p=0/b.avro")
        .hasMessageContaining("'k0'")
        .hasMessageContaining("holds only the ids k1, k2")
        .hasMessageContaining(KeyRing.KEYRING_FILE);
  }

  @Test
  void aSingleKeyIsARingOfOneAndNoSettingIsNone() {
    RewindConfig none = RewindConfig.of(Map.of());
    assertThat(KeyRing.fromConfig(none, Map.of()).isEmpty()).isTrue();
    assertThat(KeyRing.fromConfig(none, Map.of()).writer()).isEmpty();
    KeyRing one =
        KeyRing.fromConfig(
            RewindConfig.of(Map.of(SegmentKey.KEY_ENV, "K", SegmentKey.KEY_ID, "only")),
            Map.of("K", key(3)));
    assertThat(one.ids()).containsExactly("only");
    assertThat(one.writer().orElseThrow().id()).isEqualTo("only");
  }

  @Test
  void badRingsAreRefusedNamingTheLine() throws Exception {
    Path file = dir.resolve("keyring");
    Files.writeString(file, "k1 " + key(1) + "\nk2\n");
    RewindConfig config = RewindConfig.of(Map.of(KeyRing.KEYRING_FILE, file.toString()));
    assertThatThrownBy(() -> KeyRing.fromConfig(config, Map.of()))
        .hasMessageContaining("line 2")
        .hasMessageContaining(file.toString());
    Files.writeString(file, "k1 " + key(1) + "\nk1 " + key(2) + "\n");
    assertThatThrownBy(() -> KeyRing.fromConfig(config, Map.of()))
        .hasMessageContaining("two keys with the id 'k1'");
    Files.writeString(file, "# nothing yet\n");
    assertThatThrownBy(() -> KeyRing.fromConfig(config, Map.of()))
        .hasMessageContaining("holds no key");
    assertThatThrownBy(
            () -> KeyRing.fromConfig(config.with(SegmentKey.KEY_ENV, "K"), Map.of("K", key(1))))
        .hasMessageContaining("not both");
  }
}
