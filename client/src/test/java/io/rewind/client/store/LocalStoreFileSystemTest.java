package io.rewind.client.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreFileSystemTest {

  @TempDir Path dir;

  @Test
  void fileStoreWritesWithHadoopsDefaultPermissionsWithoutSidecars() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      assertThat(store.fileSystem()).isInstanceOf(LocalStoreFileSystem.class);
      store.write("manifests/p=0/x.json", "{}".getBytes(StandardCharsets.UTF_8));
    }
    Path written = dir.resolve("manifests/p=0/x.json");
    assertThat(Files.readString(written)).isEqualTo("{}");
    String expected =
        FsPermission.getFileDefault()
            .applyUMask(FsPermission.getUMask(new Configuration()))
            .toString();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
        .isEqualTo(expected);
    try (var listing = Files.list(written.getParent())) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("x.json");
    }
  }

  @Test
  void permissionsMapToPosix() {
    assertThat(
            PosixFilePermissions.toString(
                LocalStoreFileSystem.posix(new FsPermission((short) 0640))))
        .isEqualTo("rw-r-----");
    assertThat(
            PosixFilePermissions.toString(
                LocalStoreFileSystem.posix(new FsPermission((short) 0755))))
        .isEqualTo("rwxr-xr-x");
  }
}
