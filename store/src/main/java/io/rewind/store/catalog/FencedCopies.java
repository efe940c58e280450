package io.rewind.store.catalog;

import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import io.rewind.client.store.Versioned;
import java.io.IOException;
import java.util.Optional;

/**
 * A mutable record kept as two copies, a backup written first and the record itself second (a crash
 * tears at most one), each rewritten only by compare-and-swap against the version read: a writer
 * whose lease was taken over while it was paused finds the copies changed and writes nothing,
 * because the new holder wrote them under its higher epoch first.
 */
public final class FencedCopies {

  private final Versioned main;
  private final Versioned backup;

  private FencedCopies(Versioned main, Versioned backup) {
    this.main = main;
    this.backup = backup;
  }

  /** Both copies as they are now, with their versions (each may be absent or torn). */
  public static FencedCopies read(ObjectStore store, String mainKey, String backupKey)
      throws IOException {
    return new FencedCopies(
        store.readVersioned(mainKey).orElse(null), store.readVersioned(backupKey).orElse(null));
  }

  /**
   * The newest whole copy: the record itself when it is whole (the backup is written first, so
   * never newer), else the backup.
   */
  public <T> Optional<T> decode(Class<T> type) {
    Optional<T> m =
        main == null ? Optional.empty() : SelfChecksummedJson.decode(main.bytes(), type);
    if (m.isPresent()) {
      return m;
    }
    return backup == null ? Optional.empty() : SelfChecksummedJson.decode(backup.bytes(), type);
  }

  /**
   * Writes both copies over the versions read; false (nothing or only the backup written) when
   * either changed since.
   */
  public boolean write(ObjectStore store, String mainKey, String backupKey, byte[] bytes)
      throws IOException {
    return store.writeIfVersion(backupKey, bytes, backup == null ? null : backup.version())
        && store.writeIfVersion(mainKey, bytes, main == null ? null : main.version());
  }
}
