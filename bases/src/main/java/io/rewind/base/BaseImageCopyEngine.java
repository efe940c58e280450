package io.rewind.base;

import io.rewind.client.base.BaseImageFile;
import java.io.IOException;
import java.util.List;

/**
 * Copies a base's HFiles somewhere other than in this process: {@code rewind base --engine
 * mapreduce}'s map-only job. {@link BaseImageTaker} snapshots, plans (checksums, dedup against the
 * stored files) and commits as for the local copy; the engine copies each planned file with {@link
 * BaseImageFileCopy}, the local copy's own step.
 */
public interface BaseImageCopyEngine {

  /**
   * @param planned each file's entry: reused (its stored copy named) or to copy (its new key)
   * @param sources where each planned file is read from, in the same order
   * @return each file's entry as stored, in the same order
   */
  List<BaseImageFile> copy(String table, List<BaseImageFile> planned, List<Source> sources)
      throws IOException;

  /**
   * An HFile of the snapshot as any process finds it again: the table and region it was written in
   * (another table's for a clone's link), the snapshot region it belongs to, its family, name and
   * size.
   */
  record Source(
      String table, String region, String snapshotRegion, String family, String name, long size) {}
}
