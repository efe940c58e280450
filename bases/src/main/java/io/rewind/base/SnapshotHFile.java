package io.rewind.base;

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

  SnapshotHFile(String region, String family, String name, long size, HFileLink link) {
    this.region = region;
    this.family = family;
    this.name = name;
    this.size = size;
    this.link = link;
  }

  @Override
  public String toString() {
    return region + "/" + family + "/" + name;
  }
}
