package io.rewind.restore;

import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.tool.BulkLoadHFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a base into its target table before the stream is replayed on top: each HFile is read from
 * the store (SHA-256 checked, decompressed) into a staging directory the region servers can read,
 * then handed to HBase's bulk-load API. A store's HFiles are loaded oldest first, one layer per
 * call, because a bulk load gives every file of a call the same new sequence id: loaded together,
 * two versions of a cell with the same timestamp in two files would tie, and the older could win.
 */
public final class BaseImageLoader {

  private static final Logger LOG = LoggerFactory.getLogger(BaseImageLoader.class);

  private final Connection connection;
  private final TableMapping mapping;
  private final ObjectStore store;
  private final Path staging;
  private KeyRing keys = KeyRing.none();

  /**
   * @param staging a directory on a file system the target's region servers can read (as for {@code
   *     --bulkload-dir})
   */
  public BaseImageLoader(
      Connection connection, TableMapping mapping, ObjectStore store, Path staging) {
    this.connection = connection;
    this.mapping = mapping;
    this.store = store;
    this.staging = staging;
  }

  /** The keys that open sealed base files (segment.encryption.*); none by default. */
  public BaseImageLoader withKeyRing(KeyRing keys) {
    this.keys = keys;
    return this;
  }

  /** Loads the base of {@code table} into its mapped target; returns the HFiles loaded. */
  public int load(String table, BaseImageManifest base) throws IOException {
    return load(table, base, family -> true);
  }

  /**
   * Loads the files of the families {@code loadsFamily} accepts (a family dropped since the base,
   * or added again after it, is not loaded: see {@link TableTimeline}); returns the HFiles loaded.
   */
  public int load(String table, BaseImageManifest base, Predicate<String> loadsFamily)
      throws IOException {
    TableName target = TableName.valueOf(mapping.target(table));
    Configuration conf = connection.getConfiguration();
    Path dir = staging.suffix("/" + UUID.randomUUID());
    FileSystem fs = dir.getFileSystem(conf);
    long started = System.nanoTime();
    try {
      List<List<BaseImageFile>> layers = new ArrayList<>();
      for (List<BaseImageFile> layer : layers(base)) {
        List<BaseImageFile> kept = new ArrayList<>();
        layer.stream().filter(f -> loadsFamily.test(f.family)).forEach(kept::add);
        if (!kept.isEmpty()) {
          layers.add(kept);
        }
      }
      int files = layers.stream().mapToInt(List::size).sum();
      for (int i = 0; i < layers.size(); i++) {
        Path layerDir = new Path(dir, "layer-" + i);
        for (BaseImageFile f : layers.get(i)) {
          stage(base, f, fs, new Path(new Path(layerDir, f.family), f.name));
        }
        Configuration load = new Configuration(conf);
        load.setInt(BulkLoadHFiles.MAX_FILES_PER_REGION_PER_FAMILY, Integer.MAX_VALUE);
        try {
          BulkLoadHFiles.create(load).bulkLoad(target, layerDir);
        } catch (IOException e) {
          throw new IOException(
              "bulk-loading "
                  + base
                  + " into "
                  + target
                  + " failed: "
                  + e.getMessage()
                  + ". The target table is"
                  + " incomplete: check that the region servers can read "
                  + staging
                  + " (--bulkload-dir), then restore again with --force",
              e);
        }
      }
      LOG.info(
          "loaded {} ({} of its {} HFiles, {} layers) into {} in {} ms",
          base,
          files,
          base.files.size(),
          layers.size(),
          target,
          (System.nanoTime() - started) / 1_000_000);
      return files;
    } finally {
      fs.delete(dir, true);
    }
  }

  /**
   * The base's distinct files in load order: per region and family oldest (lowest MAX_SEQ_ID)
   * first, layer i holding each store's i-th file. The files of split parents come first: the
   * daughters' own files were written after the split.
   */
  static List<List<BaseImageFile>> layers(BaseImageManifest base) {
    Set<String> live = new HashSet<>();
    base.regions.forEach(r -> live.add(r.encodedName));
    Map<String, List<BaseImageFile>> byStore = new TreeMap<>();
    Set<String> keys = new HashSet<>();
    for (BaseImageFile f : base.files) {
      if (keys.add(f.key)) {
        byStore.computeIfAbsent(f.region + "/" + f.family, k -> new ArrayList<>()).add(f);
      }
    }
    List<List<BaseImageFile>> parents = new ArrayList<>();
    List<List<BaseImageFile>> daughters = new ArrayList<>();
    byStore.forEach(
        (store, files) -> {
          files.sort(
              Comparator.comparingLong((BaseImageFile f) -> f.maxSeqId).thenComparing(f -> f.name));
          List<List<BaseImageFile>> into =
              live.contains(store.substring(0, store.indexOf('/'))) ? daughters : parents;
          for (int i = 0; i < files.size(); i++) {
            while (into.size() <= i) {
              into.add(new ArrayList<>());
            }
            into.get(i).add(files.get(i));
          }
        });
    List<List<BaseImageFile>> layers = new ArrayList<>(parents);
    layers.addAll(daughters);
    return layers;
  }

  private void stage(BaseImageManifest base, BaseImageFile f, FileSystem fs, Path to)
      throws IOException {
    StagedFiles.stage(
        store,
        keys,
        f,
        fs,
        to,
        base.toString(),
        "Restore to a time served by another base, or take a new base (rewind base)"
            + " and restore to a time after it");
  }
}
