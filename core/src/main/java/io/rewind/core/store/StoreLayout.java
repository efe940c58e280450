package io.rewind.core.store;

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
 * checkpoints/latest.json                       the published checkpoint
 * tables/&lt;namespace&gt;/&lt;qualifier&gt;.json           archived table descriptors
 * </pre>
 */
public final class StoreLayout {

  public static final String SEGMENTS = "segments";
  public static final String MANIFESTS = "manifests";
  public static final String CHECKPOINT = "checkpoints/latest.json";
  public static final String TABLES = "tables";

  private static final Pattern PARTITION_DIR = Pattern.compile("p=(\\d+)");
  private static final Pattern MANIFEST_NAME = Pattern.compile("(\\d{20})\\.json");
  private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})-(\\d{20})\\.avro");

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

  /** [start, end] of a segment file name, or null. */
  public static long[] parseSegmentName(String name) {
    Matcher m = SEGMENT_NAME.matcher(name);
    return m.matches() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : null;
  }
}
