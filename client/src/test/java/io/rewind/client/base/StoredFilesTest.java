package io.rewind.client.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.io.UploadThrottle;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.segment.SegmentKey;
import io.rewind.client.segment.SegmentKeyException;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredFilesTest {

  private static final SegmentKey K1 = SegmentKey.of("k1", new byte[32]);
  private static final SegmentKey K2 =
      SegmentKey.of("k2", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  private static final String KEY = "bases/files/ns/t/f/hfile1";

  /** A file of ~3 MiB (several RWE2 chunks), half compressible. */
  private static byte[] content() {
    byte[] b = new byte[3 * (1 << 20) + 17];
    new Random(5).nextBytes(b);
    Arrays.fill(b, 0, b.length / 2, (byte) 'a');
    return b;
  }

  private static BaseImageFile store(
      byte[] plain, String codec, SegmentKey seal, ByteArrayOutputStream out) throws Exception {
    StoredFiles.Writer w = StoredFiles.writer(out, KEY, codec, seal, null);
    w.write(plain);
    w.close();
    BaseImageFile f = new BaseImageFile();
    f.key = KEY;
    f.codec = codec;
    f.size = plain.length;
    f.sha256 = ManifestCodec.Sha256.hex(plain);
    f.storedBytes = w.storedBytes();
    f.storedSha256 = w.storedSha256();
    f.keyId = w.keyId();
    return f;
  }

  @Test
  void sealedAndCompressedFilesReadBackWithAnyKeyOfTheRing() throws Exception {
    byte[] plain = content();
    for (String codec : new String[] {"zstd", "none"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BaseImageFile f = store(plain, codec, K1, out);
      assertThat(f.keyId).isEqualTo("k1");
      assertThat(f.storedSha256).isEqualTo(ManifestCodec.Sha256.hex(out.toByteArray()));
      assertThat(out.toByteArray()).startsWith('R', 'W', 'E', '2');
      try (StoredFiles.Reader r =
          StoredFiles.reader(new ByteArrayInputStream(out.toByteArray()), f, KeyRing.of(K1, K2))) {
        assertThat(r.plain().readAllBytes()).isEqualTo(plain);
        assertThat(r.mismatch()).isNull();
      }
      assertThat(StoredFiles.storedMismatch(new ByteArrayInputStream(out.toByteArray()), f))
          .as("checked without the key")
          .isNull();
    }
  }

  @Test
  void unsealedFilesStayAsBeforeAndDamageIsNamed() throws Exception {
    byte[] plain = content();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BaseImageFile f = store(plain, "zstd", null, out);
    assertThat(f.keyId).isNull();
    byte[] damaged = out.toByteArray();
    damaged[damaged.length / 2] ^= 1;
    assertThat(StoredFiles.storedMismatch(new ByteArrayInputStream(damaged), f))
        .contains("its entry names");
    f.storedSha256 = null; // a file stored before the field existed: its HFile digest still tells
    try (StoredFiles.Reader r =
        StoredFiles.reader(new ByteArrayInputStream(out.toByteArray()), f, KeyRing.none())) {
      r.plain().readAllBytes();
      assertThat(r.mismatch()).isNull();
    }
  }

  @Test
  void aKeyTheRingLacksIsNamed() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BaseImageFile f = store(content(), "zstd", K2, out);
    assertThatThrownBy(
            () ->
                StoredFiles.reader(new ByteArrayInputStream(out.toByteArray()), f, KeyRing.of(K1)))
        .isInstanceOf(SegmentKeyException.class)
        .hasMessageContaining(KEY)
        .hasMessageContaining("'k2'");
  }

  @Test
  void identifyTellsAStoredCopyFromItsBytesWithWhicheverKeyOfTheRingSealedIt(@TempDir Path dir)
      throws Exception {
    byte[] plain = content();
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      int i = 0;
      for (SegmentKey seal : new SegmentKey[] {K1, null}) {
        for (String codec : new String[] {"zstd", "none"}) {
          String key = KEY + "-" + i++;
          BaseImageFile copied =
              new FileCopier(store, new UploadThrottle(0), codec, seal)
                  .copy(new ByteArrayInputStream(plain), "hfile1", key);
          BaseImageFile found = StoredFiles.identify(store, key, KeyRing.of(K2, K1));
          assertThat(found).as(codec + ", sealed with " + seal).isNotNull();
          assertThat(found.key).isEqualTo(key);
          assertThat(found.codec).isEqualTo(codec);
          assertThat(found.keyId).isEqualTo(copied.keyId);
          assertThat(found.size).isEqualTo(plain.length);
          assertThat(found.sha256)
              .isEqualTo(copied.sha256)
              .isEqualTo(ManifestCodec.Sha256.hex(plain));
          assertThat(found.storedBytes).isEqualTo(copied.storedBytes);
          assertThat(found.storedSha256).isEqualTo(copied.storedSha256);
          if (seal != null) {
            assertThat(StoredFiles.identify(store, key, KeyRing.of(K2)))
                .as("no key of the ring opens it")
                .isNull();
          }
        }
      }
    }
  }
}
