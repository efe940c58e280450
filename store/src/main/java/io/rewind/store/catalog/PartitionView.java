package io.rewind.store.catalog;

import io.rewind.client.store.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's committed manifests as a reader sees them through the {@link ManifestIndex}: the
 * pages and entries of its head, then the level-0 manifests committed since (the tail), less what
 * retention dropped below its floor. Pages are read only when a question reaches back into them.
 * Without a head, every manifest was read and the view holds them all.
 */
public final class PartitionView {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionView.class);

  private final int partition;
  private final ManifestIndex index;
  private final IndexHead head;
  private final long floor;

  /** Indexed: the tail's manifests; unindexed: every manifest read. */
  private List<Manifest> loose;

  /**
   * Manifests of the chain that are not in pages (head entries then tail's covering), floor
   * applied.
   */
  private List<Manifest> recent;

  private Covering tail;
  private boolean fellBack;

  private PartitionView(
      int partition, ManifestIndex index, IndexHead head, long floor, List<Manifest> loose) {
    this.partition = partition;
    this.index = index;
    this.head = head;
    this.floor = floor;
    this.loose = List.copyOf(loose);
    derive();
  }

  static PartitionView indexed(
      ManifestIndex index, IndexHead head, long floor, List<Manifest> tail) {
    return new PartitionView(head.partition, index, head, floor, tail);
  }

  static PartitionView unindexed(int partition, long floor, List<Manifest> all) {
    return new PartitionView(partition, null, null, floor, all);
  }

  private void derive() {
    if (head == null) {
      tail = Covering.extend(-1, aboveFloor(loose));
      recent = tail.covering();
    } else {
      tail = Covering.extend(head.indexedEnd, aboveFloor(loose));
      List<Manifest> r = new ArrayList<>(aboveFloor(head.entries));
      r.addAll(tail.covering());
      recent = r;
    }
  }

  private List<Manifest> aboveFloor(List<Manifest> manifests) {
    if (floor < 0) {
      return manifests;
    }
    List<Manifest> kept = new ArrayList<>();
    for (Manifest m : manifests) {
      if (m.endOffset > floor) {
        kept.add(m);
      }
    }
    return kept;
  }

  public int partition() {
    return partition;
  }

  /**
   * False when the partition has no head (or a page of it was lost) and every manifest was read.
   */
  public boolean indexed() {
    return head != null && !fellBack;
  }

  /** The head read, or null without one. */
  public IndexHead head() {
    return head;
  }

  /** The first offset retention keeps, or -1. */
  public long floor() {
    return floor;
  }

  /** Manifests read from the store for this view that no chain covers (past a gap). */
  public List<Manifest> beyondGap() {
    return tail.beyondGap();
  }

  /** The level-0 manifests committed after the head's indexed end that extend the chain. */
  public List<Manifest> tail() {
    return indexed() ? tail.covering() : List.of();
  }

  /**
   * Every manifest this view read from the store besides the index: the tail, or all of them
   * without a head.
   */
  public List<Manifest> readFromStore() {
    return loose;
  }

  /** The covering manifests not in pages, in offset order: the newest part of the chain. */
  public List<Manifest> recent() {
    return recent;
  }

  private List<IndexHead.PageRef> pages() {
    if (!indexed()) {
      return List.of();
    }
    List<IndexHead.PageRef> pages = new ArrayList<>();
    for (IndexHead.PageRef p : head.pages) {
      if (p.endOffset > floor) {
        pages.add(p);
      }
    }
    return pages;
  }

  /** The chain: its first and end offsets, with {@link #recent} as its manifests. */
  public ManifestStore.Chain chain() {
    long end = tail.end();
    if (!indexed()) {
      return new ManifestStore.Chain(clampStart(tail.start()), end, recent);
    }
    List<IndexHead.PageRef> pages = pages();
    long start =
        !pages.isEmpty()
            ? pages.get(0).startOffset
            : !recent.isEmpty() ? recent.get(0).startOffset : -1;
    return new ManifestStore.Chain(clampStart(start), end, recent);
  }

  /**
   * The chain, with every covering manifest ending after {@code offset} as its manifests (pages
   * read only when the offset reaches back into them).
   */
  public ManifestStore.Chain chainFrom(long offset) throws IOException {
    ManifestStore.Chain chain = chain();
    return new ManifestStore.Chain(chain.start(), chain.end(), endingAfter(offset));
  }

  private long clampStart(long start) {
    return start >= 0 && floor > start ? floor : start;
  }

  /** Every covering manifest, reading every page: for rebuilds and checks, not for routine work. */
  public List<Manifest> all() throws IOException {
    List<Manifest> all = new ArrayList<>();
    for (IndexHead.PageRef p : pages()) {
      Optional<List<Manifest>> page = page(p);
      if (page.isEmpty()) {
        return all();
      }
      all.addAll(page.get());
    }
    all.addAll(recent);
    return all;
  }

  /**
   * Covering manifests that can hold edits written in (after, upTo]: those the pages' summaries
   * allow, read.
   */
  public List<Manifest> overlappingWriteTimes(long after, long upTo) throws IOException {
    List<Manifest> result = new ArrayList<>();
    for (IndexHead.PageRef p : pages()) {
      if (p.overlapsWriteTimes(after, upTo)) {
        Optional<List<Manifest>> page = page(p);
        if (page.isEmpty()) {
          return overlappingWriteTimes(after, upTo);
        }
        page.get().stream().filter(m -> overlaps(m, after, upTo)).forEach(result::add);
      }
    }
    recent.stream().filter(m -> overlaps(m, after, upTo)).forEach(result::add);
    return result;
  }

  private static boolean overlaps(Manifest m, long after, long upTo) {
    return m.minWriteTime != null && m.minWriteTime <= upTo && m.maxWriteTime > after;
  }

  /**
   * Covering manifests ending after {@code offset} (the archiver republishes those above its
   * committed offset).
   */
  public List<Manifest> endingAfter(long offset) throws IOException {
    List<Manifest> result = new ArrayList<>();
    for (IndexHead.PageRef p : pages()) {
      if (p.endOffset > offset) {
        Optional<List<Manifest>> page = page(p);
        if (page.isEmpty()) {
          return endingAfter(offset);
        }
        page.get().stream().filter(m -> m.endOffset > offset).forEach(result::add);
      }
    }
    recent.stream().filter(m -> m.endOffset > offset).forEach(result::add);
    return result;
  }

  /**
   * The covering manifests from the oldest while {@code more} holds, and the first one for which it
   * does not (when there is one), reading a page only when the walk reaches it: retention walks a
   * partition's prefix without reading what it keeps.
   */
  public List<Manifest> oldestThrough(Predicate<Manifest> more) throws IOException {
    List<Manifest> result = new ArrayList<>();
    for (IndexHead.PageRef p : pages()) {
      Optional<List<Manifest>> page = page(p);
      if (page.isEmpty()) {
        return oldestThrough(more);
      }
      if (takeWhile(page.get(), more, result)) {
        return result;
      }
    }
    takeWhile(recent, more, result);
    return result;
  }

  /** Adds manifests while {@code more} holds and the first that fails it; true when one failed. */
  private static boolean takeWhile(
      List<Manifest> manifests, Predicate<Manifest> more, List<Manifest> into) {
    for (Manifest m : manifests) {
      into.add(m);
      if (!more.test(m)) {
        return true;
      }
    }
    return false;
  }

  /** The newest covering manifest. */
  public Optional<Manifest> newest() {
    return recent.isEmpty() ? Optional.empty() : Optional.of(recent.get(recent.size() - 1));
  }

  /** Per table, the edits and earliest write time of every covering manifest, from summaries. */
  public Map<String, TableStats> tables() {
    Map<String, TableStats> tables = new TreeMap<>();
    pages().forEach(p -> TableStats.addAll(tables, p.tables));
    TableStats.addAll(tables, TableStats.of(recent));
    return tables;
  }

  /** The earliest write time of any covering manifest, from summaries. */
  public OptionalLong minWriteTime() {
    Long min = null;
    for (IndexHead.PageRef p : pages()) {
      min = TableStats.min(min, p.minWriteTime);
    }
    for (Manifest m : recent) {
      min = TableStats.min(min, m.minWriteTime);
    }
    return min == null ? OptionalLong.empty() : OptionalLong.of(min);
  }

  /** How many covering manifests (segments) the chain has, from summaries. */
  public long manifestCount() {
    return pages().stream().mapToLong(p -> p.manifests).sum() + recent.size();
  }

  /**
   * A page's entries above the floor, or empty after falling back to every manifest (the page is
   * lost).
   */
  private Optional<List<Manifest>> page(IndexHead.PageRef ref) throws IOException {
    try {
      return Optional.of(aboveFloor(index.readPage(ref).entries));
    } catch (IndexPageException e) {
      LOG.warn("p={}: {}", partition, e.getMessage());
      fellBack = true;
      loose = index.readAllManifests(partition);
      tail = Covering.extend(-1, aboveFloor(loose));
      recent = tail.covering();
      return Optional.empty();
    }
  }
}
