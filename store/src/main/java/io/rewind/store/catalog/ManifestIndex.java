package io.rewind.store.catalog;

import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import io.rewind.client.store.StoreLayout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifest index of a store: per partition a head ({@link IndexHead}) naming the manifests that
 * cover the committed chain, with older entries in immutable pages ({@link IndexPage}), and the
 * retention floor ({@link RetentionFloor}). Every reader of manifests goes through it ({@link
 * #open}): one read of the head, one listing of the partition's level-0 manifests and a read of
 * those committed since the compactor last indexed, plus the pages a range needs — a number of
 * requests that does not grow with the store's age. A partition without a head (the compactor never
 * ran, or its head is lost) is read the old way, every manifest, and the compactor rebuilds its
 * head from them.
 */
public final class ManifestIndex {

  private static final Logger LOG = LoggerFactory.getLogger(ManifestIndex.class);

  /** Reads of a partition that meet a manifest merged away under them before one gives up. */
  private static final int LISTING_ATTEMPTS = 5;

  private final ObjectStore store;
  private final ManifestStore manifests;
  private RetentionFloor floor;

  /**
   * Level-0 manifests already read, by key, for a reader that opens the index again and again;
   * null: none kept.
   */
  private final Map<Integer, Map<String, Manifest>> levelZeroRead;

  public ManifestIndex(ObjectStore store) {
    this(store, false);
  }

  /**
   * @param keepLevelZero keep the level-0 manifests read, so that reading the index again (the
   *     status page refreshes) reads only those committed since: they are immutable once whole
   */
  public ManifestIndex(ObjectStore store, boolean keepLevelZero) {
    this.store = store;
    this.manifests = new ManifestStore(store);
    this.levelZeroRead = keepLevelZero ? new HashMap<>() : null;
  }

  public ObjectStore store() {
    return store;
  }

  /** Partitions with manifests, ascending (one listing). */
  public List<Integer> partitions() throws IOException {
    return manifests.partitions();
  }

  /**
   * A partition's manifests as its index and the level-0 manifests committed since describe them.
   * When a listed manifest is gone by the time it is read (merged away meanwhile), reads again from
   * the head, a few times.
   */
  public PartitionView open(int partition) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return openOnce(partition);
      } catch (ListingChangedException e) {
        if (attempt == LISTING_ATTEMPTS) {
          throw new IOException(
              "p="
                  + partition
                  + ": manifests kept disappearing while they were read ("
                  + e.getMessage()
                  + "); is more than one compactor running against this store?",
              e);
        }
        LOG.info("p={}: {}", partition, e.getMessage());
      }
    }
  }

  private PartitionView openOnce(int partition) throws IOException {
    Optional<IndexHead> head = readHead(partition);
    long floor = floor().of(partition);
    if (head.isEmpty()) {
      return PartitionView.unindexed(partition, floor, manifests.list(partition));
    }
    IndexHead h = head.get();
    return PartitionView.indexed(this, h, floor, levelZeroFrom(partition, h.indexedEnd));
  }

  /** Every partition's view, with the retention floor read again. */
  public List<PartitionView> openAll() throws IOException {
    floor = null;
    List<PartitionView> views = new ArrayList<>();
    for (int p : partitions()) {
      views.add(open(p));
    }
    return views;
  }

  /** The level-0 manifests starting at or after {@code from}: those the index does not hold yet. */
  public List<Manifest> levelZeroFrom(int partition, long from) throws IOException {
    List<Manifest> result = new ArrayList<>();
    Map<String, Manifest> kept =
        levelZeroRead == null
            ? null
            : levelZeroRead.computeIfAbsent(partition, p -> new HashMap<>());
    Map<String, Manifest> stillListed = new HashMap<>();
    for (FileStatus s : store.list(StoreLayout.manifestsDir(partition))) {
      OptionalLong start = StoreLayout.parseManifestName(s.getPath().getName());
      if (start.isEmpty() || start.getAsLong() < from) {
        continue;
      }
      String key = StoreLayout.manifest(partition, start.getAsLong());
      Manifest known = kept == null ? null : kept.get(key);
      Optional<Manifest> m = known != null ? Optional.of(known) : manifests.readListed(key);
      if (m.isPresent()) {
        result.add(m.get());
        stillListed.put(key, m.get());
      } else {
        LOG.warn(
            "manifest {} is torn or invalid: treated as absent (its segment is not committed)",
            key);
      }
    }
    if (kept != null) {
      // Only what is still listed: manifests the compactor deleted are forgotten.
      kept.clear();
      kept.putAll(stillListed);
    }
    return result;
  }

  /** The newest whole copy of a partition's head, or empty when it has none. */
  public Optional<IndexHead> readHead(int partition) throws IOException {
    Optional<IndexHead> main = readRecord(StoreLayout.indexHead(partition), IndexHead.class);
    if (main.isPresent()) {
      // The backup is written first: a whole main copy is at least as new as it.
      return main;
    }
    return readRecord(StoreLayout.indexHeadBackup(partition), IndexHead.class);
  }

  /**
   * A partition's head as read before a rewrite: its newest whole copy and the versions a fenced
   * write compares.
   */
  public static final class HeadForWrite {
    private final Optional<IndexHead> head;
    private final FencedCopies copies;

    private HeadForWrite(Optional<IndexHead> head, FencedCopies copies) {
      this.head = head;
      this.copies = copies;
    }

    public Optional<IndexHead> head() {
      return head;
    }
  }

  /** Reads a head for a rewrite ({@link #writeHead(IndexHead, HeadForWrite)}). */
  public HeadForWrite readHeadForWrite(int partition) throws IOException {
    FencedCopies copies =
        FencedCopies.read(
            store, StoreLayout.indexHead(partition), StoreLayout.indexHeadBackup(partition));
    return new HeadForWrite(copies.decode(IndexHead.class), copies);
  }

  /**
   * Writes a head over the one read (first its backup copy, then the head itself, each whole or
   * torn on its own, so a crash at any moment leaves one whole copy of the previous or the new
   * version), each by compare-and-swap.
   *
   * @return false when another writer changed a copy since {@code over} was read: nothing more is
   *     written
   */
  public boolean writeHead(IndexHead head, HeadForWrite over) throws IOException {
    return over.copies.write(
        store,
        StoreLayout.indexHead(head.partition),
        StoreLayout.indexHeadBackup(head.partition),
        SelfChecksummedJson.encode(head, false));
  }

  /**
   * The entries of a page the head names.
   *
   * @throws IndexPageException when the page is missing or torn: the head must be rebuilt
   */
  public IndexPage readPage(IndexHead.PageRef ref) throws IOException {
    return readRecord(ref.key, IndexPage.class).orElseThrow(() -> new IndexPageException(ref.key));
  }

  /** Writes a page to its final key (once: pages never change). */
  public void writePage(IndexPage page) throws IOException {
    store.write(
        StoreLayout.indexPage(page.partition, page.startOffset, page.endOffset),
        SelfChecksummedJson.encode(page, false));
  }

  /**
   * The retention floor, read once per index instance; an empty one when retention never deleted.
   */
  public RetentionFloor floor() throws IOException {
    if (floor == null) {
      Optional<RetentionFloor> main = readRecord(StoreLayout.RETENTION_FLOOR, RetentionFloor.class);
      floor =
          main.isPresent()
              ? main.get()
              : readRecord(StoreLayout.RETENTION_FLOOR_BACKUP, RetentionFloor.class)
                  .orElseGet(RetentionFloor::new);
    }
    return floor;
  }

  /**
   * The retention floor as read before a rewrite: its newest whole copy and the versions a fenced
   * write compares.
   */
  public static final class FloorForWrite {
    private final RetentionFloor floor;
    private final FencedCopies copies;

    private FloorForWrite(RetentionFloor floor, FencedCopies copies) {
      this.floor = floor;
      this.copies = copies;
    }

    /** The floor read (an empty one when retention never deleted). */
    public RetentionFloor floor() {
      return floor;
    }
  }

  /** Reads the floor for a rewrite ({@link #writeFloor}). */
  public FloorForWrite readFloorForWrite() throws IOException {
    FencedCopies copies =
        FencedCopies.read(store, StoreLayout.RETENTION_FLOOR, StoreLayout.RETENTION_FLOOR_BACKUP);
    return new FloorForWrite(
        copies.decode(RetentionFloor.class).orElseGet(RetentionFloor::new), copies);
  }

  /**
   * Writes the floor over the one read (backup copy first), each copy by compare-and-swap, before
   * retention deletes what lies below it.
   *
   * @return false when another writer changed it since {@code over} was read: nothing more is
   *     written
   */
  public boolean writeFloor(RetentionFloor value, FloorForWrite over) throws IOException {
    if (!over.copies.write(
        store,
        StoreLayout.RETENTION_FLOOR,
        StoreLayout.RETENTION_FLOOR_BACKUP,
        SelfChecksummedJson.encode(value))) {
      return false;
    }
    floor = value;
    return true;
  }

  /**
   * Every manifest of every level of a partition, read from the store: what a head is rebuilt from.
   */
  public List<Manifest> readAllManifests(int partition) throws IOException {
    return manifests.list(partition);
  }

  private <T> Optional<T> readRecord(String key, Class<T> type) throws IOException {
    try {
      return SelfChecksummedJson.decode(store.read(key), type);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }
}
