package io.rewind.store.catalog;

import io.rewind.client.store.Manifest;
import io.rewind.client.store.ManifestCodec;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads and writes manifests; knows the contiguous chain of a partition. */
public final class ManifestStore {

  private static final Logger LOG = LoggerFactory.getLogger(ManifestStore.class);

  private final ObjectStore store;

  public ManifestStore(ObjectStore store) {
    this.store = store;
  }

  public ObjectStore store() {
    return store;
  }

  /** Commits a segment: one small write of its manifest to the final key. */
  public void write(Manifest manifest) throws IOException {
    store.write(manifest.key(), ManifestCodec.encode(manifest));
  }

  /** Partitions that have at least a manifest directory, ascending. */
  public List<Integer> partitions() throws IOException {
    TreeSet<Integer> partitions = new TreeSet<>();
    for (FileStatus s : store.list(StoreLayout.MANIFESTS)) {
      int p = StoreLayout.parsePartitionDir(s.getPath().getName());
      if (p >= 0) {
        partitions.add(p);
      }
    }
    return new ArrayList<>(partitions);
  }

  /**
   * Every valid manifest of a partition, of every compaction level, in {@link Covering#ORDER}; torn
   * ones are logged and skipped. Reads the partition's whole history: routine readers go through
   * the {@link ManifestIndex} instead.
   *
   * @throws ListingChangedException when a listed manifest is gone by the time it is read
   */
  public List<Manifest> list(int partition) throws IOException {
    List<Manifest> manifests = new ArrayList<>();
    for (FileStatus s : store.list(StoreLayout.manifestsDir(partition))) {
      String name = s.getPath().getName();
      OptionalLong start = StoreLayout.parseManifestName(name);
      if (start.isPresent()) {
        readInto(StoreLayout.manifest(partition, start.getAsLong()), manifests);
        continue;
      }
      int level = StoreLayout.parseLevelDir(name);
      if (level > 0) {
        for (FileStatus l : store.list(StoreLayout.levelManifestsDir(partition, level))) {
          long[] range = StoreLayout.parseRangeName(l.getPath().getName());
          if (range != null) {
            readInto(StoreLayout.levelManifest(partition, level, range[0], range[1]), manifests);
          }
        }
      }
    }
    manifests.sort(Covering.ORDER);
    return manifests;
  }

  private void readInto(String key, List<Manifest> manifests) throws IOException {
    Optional<Manifest> m = readListed(key);
    if (m.isPresent()) {
      manifests.add(m.get());
    } else {
      LOG.warn(
          "manifest {} is torn or invalid: treated as absent (its segment is not committed)", key);
    }
  }

  /**
   * A manifest a listing named: empty when torn, {@link ListingChangedException} when gone (a
   * listing with holes must not pass for the chain).
   */
  Optional<Manifest> readListed(String key) throws IOException {
    try {
      return ManifestCodec.decode(store.read(key));
    } catch (FileNotFoundException e) {
      throw new ListingChangedException(key);
    }
  }

  public Optional<Manifest> read(String key) throws IOException {
    try {
      return ManifestCodec.decode(store.read(key));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The manifests of the contiguous chain: from the lowest start, each next one starting at or
   * before the end so far. Overlaps (a zombie archiver's copies, a compaction's sources) are
   * redundant, not conflicts: the chain names the coarsest covering copies.
   */
  public static Chain chain(List<Manifest> manifests) {
    Covering c = Covering.extend(-1, manifests);
    return new Chain(c.start(), c.end(), c.covering());
  }

  /** A partition's unbroken run of committed segments, [start, end). */
  public static final class Chain {
    private final long start;
    private final long end;
    private final List<Manifest> manifests;

    Chain(long start, long end, List<Manifest> manifests) {
      this.start = start;
      this.end = end;
      this.manifests = List.copyOf(manifests);
    }

    /** Nothing committed: no manifest starts the chain. */
    public boolean isEmpty() {
      return end < 0;
    }

    /** First offset covered, or -1 when empty. */
    public long start() {
      return start;
    }

    /** The contiguous committed frontier (exclusive), or -1 when empty. */
    public long end() {
      return end;
    }

    /**
     * The covering manifests it was built with: all of them, or those a reader asked for (see
     * PartitionView#chainFrom).
     */
    public List<Manifest> manifests() {
      return manifests;
    }
  }
}
