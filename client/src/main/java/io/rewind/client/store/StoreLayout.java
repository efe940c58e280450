package io.rewind.client.store;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where everything lives in the object store, relative to its root. Offsets are zero-padded to 20
 * digits so that a plain listing sorts in offset order.
 *
 * <pre>
 * segments/p=&lt;partition&gt;/&lt;start&gt;-&lt;end&gt;.avro   records [start, end) as Kafka had them
 * manifests/p=&lt;partition&gt;/&lt;start&gt;.json         commits the segment starting at start
 * segments/p=&lt;partition&gt;/L&lt;k&gt;/&lt;start&gt;-&lt;end&gt;-&lt;attempt&gt;.avro
 *                                               a compacted segment of level k (1, 2...)
 * manifests/p=&lt;partition&gt;/L&lt;k&gt;/&lt;start&gt;-&lt;end&gt;.json  commits a compacted segment
 * index/p=&lt;partition&gt;/head.json (+ head.backup.json)
 *                                               the partition's manifest index (ManifestIndex)
 * index/p=&lt;partition&gt;/pages/&lt;start&gt;-&lt;end&gt;.json  older index entries, immutable
 * index/floor.json (+ floor.backup.json)        the first offset retention keeps, per partition
 * checkpoints/latest.json                       the published checkpoint
 * tables/&lt;namespace&gt;/&lt;qualifier&gt;.json           archived table descriptors
 * </pre>
 */
public final class StoreLayout {

  public static final String SEGMENTS = "segments";
  public static final String MANIFESTS = "manifests";
  public static final String CHECKPOINT = "checkpoints/latest.json";
  public static final String TABLES = "tables";
  public static final String INDEX = "index";
  public static final String RETENTION_FLOOR = INDEX + "/floor.json";
  public static final String RETENTION_FLOOR_BACKUP = INDEX + "/floor.backup.json";

  private static final Pattern PARTITION_DIR = Pattern.compile("p=(\\d+)");
  private static final Pattern MANIFEST_NAME = Pattern.compile("(\\d{20})\\.json");
  private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})-(\\d{20})\\.avro");
  private static final Pattern LEVEL_DIR = Pattern.compile("L([1-9]\\d?)");
  private static final Pattern RANGE_JSON = Pattern.compile("(\\d{20})-(\\d{20})\\.json");
  private static final Pattern LEVEL_SEGMENT_NAME =
      Pattern.compile("(\\d{20})-(\\d{20})-[0-9a-f]+\\.avro");

  private StoreLayout() {}

  public static String partitionDir(int partition) {
    return "p=" + partition;
  }

  public static String segmentsDir(int partition) {
    return SEGMENTS + "/" + partitionDir(partition);
  }

  public static String manifestsDir(int partition) {
    return MANIFESTS + "/" + partitionDir(partition);
  }

  public static String segment(int partition, long start, long end) {
    return String.format(Locale.ROOT, "%s/%020d-%020d.avro", segmentsDir(partition), start, end);
  }

  public static String manifest(int partition, long start) {
    return String.format(Locale.ROOT, "%s/%020d.json", manifestsDir(partition), start);
  }

  /** The directory of a partition's compacted manifests of one level (1, 2...). */
  public static String levelManifestsDir(int partition, int level) {
    return manifestsDir(partition) + "/L" + level;
  }

  public static String levelSegmentsDir(int partition, int level) {
    return segmentsDir(partition) + "/L" + level;
  }

  public static String levelManifest(int partition, int level, long start, long end) {
    return String.format(
        Locale.ROOT, "%s/%020d-%020d.json", levelManifestsDir(partition, level), start, end);
  }

  /**
   * A compacted segment's key: the attempt (random hex) makes every write a new key, so a retried
   * compaction never rewrites an object that a garbage collection may be deleting.
   */
  public static String levelSegment(
      int partition, int level, long start, long end, String attempt) {
    return String.format(
        Locale.ROOT,
        "%s/%020d-%020d-%s.avro",
        levelSegmentsDir(partition, level),
        start,
        end,
        attempt);
  }

  public static String indexDir(int partition) {
    return INDEX + "/" + partitionDir(partition);
  }

  public static String indexHead(int partition) {
    return indexDir(partition) + "/head.json";
  }

  public static String indexHeadBackup(int partition) {
    return indexDir(partition) + "/head.backup.json";
  }

  public static String indexPagesDir(int partition) {
    return indexDir(partition) + "/pages";
  }

  public static String indexPage(int partition, long start, long end) {
    return String.format(Locale.ROOT, "%s/%020d-%020d.json", indexPagesDir(partition), start, end);
  }

  public static String table(String table) {
    int colon = table.indexOf(':');
    String ns = colon < 0 ? "default" : table.substring(0, colon);
    String qualifier = colon < 0 ? table : table.substring(colon + 1);
    return TABLES + "/" + ns + "/" + qualifier + ".json";
  }

  /** The partition of a {@code p=N} directory name, or -1. */
  public static int parsePartitionDir(String name) {
    Matcher m = PARTITION_DIR.matcher(name);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The start offset of a manifest file name. */
  public static OptionalLong parseManifestName(String name) {
    Matcher m = MANIFEST_NAME.matcher(name);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /** The level of an {@code L<k>} directory name, or -1. */
  public static int parseLevelDir(String name) {
    Matcher m = LEVEL_DIR.matcher(name);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * [start, end] of a compacted manifest's or an index page's name ({@code <start>-<end>.json}), or
   * null.
   */
  public static long[] parseRangeName(String name) {
    Matcher m = RANGE_JSON.matcher(name);
    return m.matches() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : null;
  }

  /** [start, end] of a compacted segment's name, or null. */
  public static long[] parseLevelSegmentName(String name) {
    Matcher m = LEVEL_SEGMENT_NAME.matcher(name);
    return m.matches() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : null;
  }

  /** [start, end] of a segment file name, or null. */
  public static long[] parseSegmentName(String name) {
    Matcher m = SEGMENT_NAME.matcher(name);
    return m.matches() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : null;
  }
}
