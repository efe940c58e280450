package io.rewind.base;

import io.rewind.client.base.BaseImageManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.RegionInfo;
import org.apache.hadoop.hbase.io.HFileLink;
import org.apache.hadoop.hbase.regionserver.StoreFileInfo;
import org.apache.hadoop.hbase.shaded.protobuf.ProtobufUtil;
import org.apache.hadoop.hbase.shaded.protobuf.generated.SnapshotProtos;
import org.apache.hadoop.hbase.snapshot.SnapshotDescriptionUtils;
import org.apache.hadoop.hbase.snapshot.SnapshotManifest;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * What a completed HBase snapshot holds: its regions and the HFiles to copy. A split leaves
 * reference files in the daughters pointing at the parent's HFiles; the snapshot also holds the
 * offline parent with those HFiles, so references are skipped and the parent's files copied once. A
 * reference to a parent the snapshot does not hold cannot be served and is refused.
 */
final class SnapshotContents {

  final SnapshotProtos.SnapshotDescription description;
  final List<BaseImageManifest.Region> regions;
  final List<SnapshotHFile> files;

  private SnapshotContents(
      SnapshotProtos.SnapshotDescription description,
      List<BaseImageManifest.Region> regions,
      List<SnapshotHFile> files) {
    this.description = description;
    this.regions = regions;
    this.files = files;
  }

  static SnapshotContents read(Configuration conf, FileSystem fs, Path snapshotDir)
      throws IOException {
    SnapshotProtos.SnapshotDescription description =
        SnapshotDescriptionUtils.readSnapshotInfo(fs, snapshotDir);
    SnapshotManifest manifest = SnapshotManifest.open(conf, fs, snapshotDir, description);
    TableName table = TableName.valueOf(description.getTable());
    List<BaseImageManifest.Region> regions = new ArrayList<>();
    List<SnapshotHFile> files = new ArrayList<>();
    Map<String, Set<String>> filesByRegion = new HashMap<>();
    List<String[]> references = new ArrayList<>();
    for (SnapshotProtos.SnapshotRegionManifest rm : manifest.getRegionManifests()) {
      RegionInfo info = ProtobufUtil.toRegionInfo(rm.getRegionInfo());
      String region = info.getEncodedName();
      if (!info.isOffline() && !info.isSplitParent()) {
        regions.add(region(info));
      }
      for (SnapshotProtos.SnapshotRegionManifest.FamilyFiles ff : rm.getFamilyFilesList()) {
        String family = ff.getFamilyName().toStringUtf8();
        for (SnapshotProtos.SnapshotRegionManifest.StoreFile sf : ff.getStoreFilesList()) {
          String name = sf.getName();
          if (sf.hasReference() || StoreFileInfo.isReference(name)) {
            references.add(new String[] {region, family, name});
            continue;
          }
          HFileLink link;
          String stored;
          BaseImageCopyEngine.Source source;
          if (HFileLink.isHFileLink(name)) {
            stored = HFileLink.getReferencedHFileName(name);
            TableName linked = HFileLink.getReferencedTableName(name);
            String linkedRegion = HFileLink.getReferencedRegionName(name);
            link = HFileLink.build(conf, linked, linkedRegion, family, stored);
            source =
                new BaseImageCopyEngine.Source(
                    linked.getNameWithNamespaceInclAsString(),
                    linkedRegion,
                    region,
                    family,
                    stored,
                    sf.getFileSize());
          } else {
            stored = name;
            link = HFileLink.build(conf, table, region, family, name);
            source =
                new BaseImageCopyEngine.Source(
                    table.getNameWithNamespaceInclAsString(),
                    region,
                    region,
                    family,
                    stored,
                    sf.getFileSize());
          }
          files.add(new SnapshotHFile(region, family, stored, sf.getFileSize(), link, source));
          filesByRegion.computeIfAbsent(region + "/" + family, k -> new HashSet<>()).add(stored);
        }
      }
    }
    for (String[] ref : references) {
      String parent = ref[2].substring(ref[2].lastIndexOf('.') + 1);
      String parentFile = ref[2].substring(0, ref[2].lastIndexOf('.'));
      Set<String> held = filesByRegion.get(parent + "/" + ref[1]);
      if (held == null
          || !held.contains(
              HFileLink.isHFileLink(parentFile)
                  ? HFileLink.getReferencedHFileName(parentFile)
                  : parentFile)) {
        throw new BaseImageException(
            "the snapshot "
                + description.getName()
                + " of "
                + table
                + " holds the split reference "
                + ref[0]
                + "/"
                + ref[1]
                + "/"
                + ref[2]
                + " but not the parent region's file it points to, so the base cannot hold that data once."
                + " Run a major compaction of the table (major_compact '"
                + table
                + "') and take the base again");
      }
    }
    regions.sort(
        (a, b) ->
            Bytes.compareTo(
                Base64.getDecoder().decode(a.startKey), Base64.getDecoder().decode(b.startKey)));
    return new SnapshotContents(description, regions, files);
  }

  private static BaseImageManifest.Region region(RegionInfo info) {
    BaseImageManifest.Region r = new BaseImageManifest.Region();
    r.encodedName = info.getEncodedName();
    r.startKey = Base64.getEncoder().encodeToString(info.getStartKey());
    r.endKey = Base64.getEncoder().encodeToString(info.getEndKey());
    return r;
  }
}
