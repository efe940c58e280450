package io.rewind.store.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {

  @TempDir Path dir;

  @Test
  void aTornLatestFileFallsBackToTheWholeBackup() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      CheckpointFile.write(store, CheckpointFile.Stored.of(1_000, 10, null, "r", 1));
      CheckpointFile.write(store, CheckpointFile.Stored.of(2_000, 20, null, "r", 1));
      Files.write(dir.resolve(StoreLayout.CHECKPOINT), new byte[0]);

      assertThat(CheckpointFile.read(store)).map(s -> s.time).hasValue(2_000L);

      Files.writeString(dir.resolve(CheckpointFile.BACKUP), "{\"time\": 5");
      assertThat(CheckpointFile.read(store)).isEmpty();
    }
  }

  @Test
  void theOlderCopyIsRewrittenFirstSoThatATornWriteNeverShowsAnOlderCheckpoint() {
    Optional<CheckpointFile.Stored> older =
        Optional.of(CheckpointFile.Stored.of(1_000, 10, null, "r", 1));
    Optional<CheckpointFile.Stored> newer =
        Optional.of(CheckpointFile.Stored.of(2_000, 20, null, "r", 1));
    // A crash between the two writes left the backup newer: rewriting it first would leave readers
    // only the older latest.
    assertThat(CheckpointFile.firstToWrite(older, newer)).isEqualTo(StoreLayout.CHECKPOINT);
    assertThat(CheckpointFile.firstToWrite(newer, older)).isEqualTo(CheckpointFile.BACKUP);
    assertThat(CheckpointFile.firstToWrite(newer, newer)).isEqualTo(CheckpointFile.BACKUP);
    assertThat(CheckpointFile.firstToWrite(Optional.empty(), newer))
        .as("a torn or missing latest")
        .isEqualTo(StoreLayout.CHECKPOINT);
    assertThat(CheckpointFile.firstToWrite(newer, Optional.empty()))
        .as("a torn or missing backup")
        .isEqualTo(CheckpointFile.BACKUP);
  }

  @Test
  void aTamperedFileIsNotTrusted() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      CheckpointFile.write(store, CheckpointFile.Stored.of(1_000, 10, null, "r", 1));
      Path latest = dir.resolve(StoreLayout.CHECKPOINT);
      Files.writeString(latest, Files.readString(latest).replace("1000", "9000"));
      Files.delete(dir.resolve(CheckpointFile.BACKUP));

      assertThat(CheckpointFile.read(store)).isEmpty();
    }
  }

  @Test
  void noFileMeansNoCheckpoint() throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      assertThat(CheckpointFile.read(store)).isEmpty();
    }
  }
}
