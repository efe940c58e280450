package io.rewind.restore;

import io.rewind.client.config.RewindConfig;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * How a restore sorts each partition's edits: {@code memoryBytes} of sort arena for the whole
 * restore ({@value RewindConfig#RESTORE_SORT_MEMORY_BYTES}), split evenly between the partitions
 * replayed at once, and where the runs that do not fit are written ({@value
 * RewindConfig#RESTORE_SPILL_DIR}, in a directory of the restore's own).
 */
public record SortSettings(long memoryBytes, Path spillDirectory) {

  /**
   * A partition's arena is at least this large, whatever the split: smaller ones write runs too
   * small to merge well.
   */
  static final long MIN_PER_PARTITION = 1L << 20;

  public SortSettings {
    if (memoryBytes < MIN_PER_PARTITION) {
      throw new IllegalArgumentException(
          RewindConfig.RESTORE_SORT_MEMORY_BYTES
              + " must be at least "
              + MIN_PER_PARTITION
              + " bytes (1 MiB), got "
              + memoryBytes);
    }
  }

  /** The settings of a configuration. */
  public static SortSettings of(RewindConfig config) {
    AbstractConfig shared = config.parse(RewindConfig.CONFIG);
    String dir = shared.getString(RewindConfig.RESTORE_SPILL_DIR);
    if (dir.isEmpty()) {
      throw new IllegalArgumentException(
          RewindConfig.RESTORE_SPILL_DIR
              + " is empty: give a local directory (default: java.io.tmpdir)");
    }
    return new SortSettings(shared.getLong(RewindConfig.RESTORE_SORT_MEMORY_BYTES), Paths.get(dir));
  }

  /** The defaults of {@link RewindConfig}. */
  public static SortSettings defaults() {
    return of(RewindConfig.of(Map.of()));
  }

  /** This with another memory budget. */
  public SortSettings withMemoryBytes(long bytes) {
    return new SortSettings(bytes, spillDirectory);
  }

  /** This with another spill directory. */
  public SortSettings withSpillDirectory(Path directory) {
    return new SortSettings(memoryBytes, directory);
  }

  /** The arena of each of {@code parallelism} partitions replayed at once. */
  long perPartition(int parallelism) {
    return Math.max(MIN_PER_PARTITION, memoryBytes / parallelism);
  }

  /**
   * Refuses a spill directory that cannot be written (checked again by the restore itself): before
   * a target is prepared.
   */
  public void checkSpillDirectory() {
    createSpillDirectory().close();
  }

  /**
   * The restore's own directory under the spill directory; refuses one that cannot be written,
   * naming the setting.
   */
  SpillDirectory createSpillDirectory() {
    return SpillDirectory.create(
        spillDirectory,
        "rewind-restore-",
        RewindConfig.RESTORE_SPILL_DIR + " (rewind restore --spill-dir DIR)");
  }
}
