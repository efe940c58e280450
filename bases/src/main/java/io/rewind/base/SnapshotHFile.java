package io.rewind.base;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.io.HFileLink;

/**
 * One HFile a snapshot references: the region and family it belongs to, its name (the referenced
 * file's for an HFile link), its size in the snapshot manifest, and the link that finds it wherever
 * HBase has moved it since (data/, then archive/ after a compaction).
 */
final class SnapshotHFile {

  final String region;
  final String family;
  final String name;
  final long size;
  final HFileLink link;

  /**
   * Where the file was written: the table and region the link is built from (another table's for a
   * clone's link).
   */
  final BaseImageCopyEngine.Source source;

  SnapshotHFile(
      String region,
      String family,
      String name,
      long size,
      HFileLink link,
      BaseImageCopyEngine.Source source) {
    this.region = region;
    this.family = family;
    this.name = name;
    this.size = size;
    this.link = link;
    this.source = source;
  }

  /** The file as another process finds it again ({@link BaseImageCopyEngine.Source}). */
  static SnapshotHFile of(Configuration conf, BaseImageCopyEngine.Source source)
      throws IOException {
    TableName table = TableName.valueOf(source.table());
    return new SnapshotHFile(
        source.snapshotRegion(),
        source.family(),
        source.name(),
        source.size(),
        HFileLink.build(conf, table, source.region(), source.family(), source.name()),
        source);
  }

  @Override
  public String toString() {
    return region + "/" + family + "/" + name;
  }
}
