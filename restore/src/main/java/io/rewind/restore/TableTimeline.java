package io.rewind.restore;

import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.store.TableHistory;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.TableDescriptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pure: what a table was at T, from the versions of its descriptor the store keeps ({@link
 * TableHistory}) and the base that would serve T. The rules:
 *
 * <ul>
 *   <li><b>Lifecycle.</b> The newest CREATE, TRUNCATE or DROP at or before T cuts the stream: edits
 *       written at or before it are gone (the master observer records each before it takes effect,
 *       so every edit of the table before it is older and every edit after it newer). A DROP there
 *       means the table did not exist at T; a table whose oldest version is a CREATE after T did
 *       not exist yet.
 *   <li><b>Descriptor.</b> The newest change (anything but SEEN) at or before T; without one, the
 *       newest SEEN at or before T (a table the observer never saw change); without one, the oldest
 *       version (the table existed before its first record). SEEN versions after a change are
 *       ignored: a region server may still read the old descriptor while the change is under way.
 *   <li><b>Base.</b> The serving base is loaded only when its snapshot was requested after the cut;
 *       else the stream from the cut holds the table's whole state. The stream is then replayed
 *       after the later of the base's replay start and the cut.
 *   <li><b>Families.</b> Cells of a family the descriptor at T lacks are not replayed (its data was
 *       dropped with it), nor cells written at or before the newest MODIFY (after the cut) that
 *       added the family again; a base requested before that MODIFY does not load the family's
 *       files.
 *   <li><b>Regions.</b> The split keys of the newer of the newest version at or before T that knows
 *       them (CREATE, REGIONS) and the base's regions.
 * </ul>
 */
public final class TableTimeline {

  public static final String SEEN = "SEEN";
  public static final String CREATE = "CREATE";
  public static final String MODIFY = "MODIFY";
  public static final String TRUNCATE = "TRUNCATE";
  public static final String DROP = "DROP";
  public static final String REGIONS = "REGIONS";

  private static final Set<String> LIFECYCLE = Set.of(CREATE, TRUNCATE, DROP);
  private static final Comparator<TableDescriptor> BY_TIME =
      Comparator.comparingLong(TableDescriptor::getUpdatedAt);

  private TableTimeline() {}

  /**
   * The stored versions a restore to T reads, from the listing alone: the newest lifecycle change
   * at or before T and every MODIFY since, the newest REGIONS and the newest SEEN at or before T,
   * and the oldest version when none is at or before T. A few objects, however long the table's
   * history.
   */
  public static List<TableHistory.Entry> needed(List<TableHistory.Entry> entries, long t) {
    TableHistory.Entry lifecycle = null;
    TableHistory.Entry regions = null;
    TableHistory.Entry seen = null;
    for (TableHistory.Entry e : entries) {
      if (e.time() > t) {
        continue;
      }
      if (LIFECYCLE.contains(e.change())) {
        lifecycle = e;
      } else if (REGIONS.equals(e.change())) {
        regions = e;
      } else if (SEEN.equals(e.change())) {
        seen = e;
      }
    }
    List<TableHistory.Entry> needed = new ArrayList<>();
    for (TableHistory.Entry e : entries) {
      boolean modifySinceCut =
          MODIFY.equals(e.change())
              && e.time() <= t
              && (lifecycle == null || e.time() >= lifecycle.time());
      if (e == lifecycle || e == regions || e == seen || modifySinceCut) {
        needed.add(e);
      }
    }
    if (needed.isEmpty() && !entries.isEmpty()) {
      needed.add(entries.get(0));
    }
    return needed;
  }

  /**
   * @param versions the versions read (at least those {@link #needed} names), in any order
   * @param base the base serving T (completed at or before it), if any
   */
  public static TableAtTime at(
      String table, List<TableDescriptor> versions, long t, Optional<BaseImageManifest> base) {
    List<TableDescriptor> sorted = new ArrayList<>(versions);
    sorted.sort(BY_TIME);
    TableDescriptor lifecycle = null;
    TableDescriptor change = null;
    TableDescriptor seen = null;
    TableDescriptor regions = null;
    for (TableDescriptor v : sorted) {
      if (v.getUpdatedAt() > t) {
        continue;
      }
      if (LIFECYCLE.contains(v.getChange())) {
        lifecycle = v;
      }
      if (SEEN.equals(v.getChange())) {
        seen = v;
      } else {
        change = v;
      }
      if (v.getRegionsKnown()) {
        regions = v;
      }
    }
    if (lifecycle != null && DROP.equals(lifecycle.getChange())) {
      return TableAtTime.dropped(table, lifecycle.getUpdatedAt());
    }
    if (!sorted.isEmpty()
        && lifecycle == null
        && CREATE.equals(sorted.get(0).getChange())
        && sorted.get(0).getUpdatedAt() > t) {
      return TableAtTime.notYetCreated(table, sorted.get(0).getUpdatedAt());
    }
    TableDescriptor descriptor =
        change != null ? change : seen != null ? seen : sorted.isEmpty() ? null : sorted.get(0);
    long cut = lifecycle == null ? Long.MIN_VALUE : lifecycle.getUpdatedAt();

    BaseImageManifest loaded = base.filter(b -> b.startedAt > cut).orElse(null);
    long replayAfter = loaded == null ? cut : Math.max(loaded.replayAfter, cut);

    Map<String, Long> familyCuts = new TreeMap<>();
    Set<String> everFamilies = new TreeSet<>();
    for (TableDescriptor v : sorted) {
      v.getFamilies().forEach(f -> everFamilies.add(f.getName()));
      if (MODIFY.equals(v.getChange()) && v.getUpdatedAt() <= t && v.getUpdatedAt() >= cut) {
        for (String added : v.getAddedFamilies()) {
          familyCuts.merge(added, v.getUpdatedAt(), Math::max);
        }
      }
    }
    Set<String> families = new TreeSet<>();
    if (descriptor != null) {
      descriptor.getFamilies().forEach(f -> families.add(f.getName()));
    }
    familyCuts.keySet().retainAll(families);
    familyCuts.values().removeIf(c -> c <= replayAfter);
    boolean dropsFamilies = descriptor != null && !families.containsAll(everFamilies);

    List<ByteBuffer> splitKeys = List.of();
    String splitKeysFrom = null;
    if (regions != null && (loaded == null || regions.getUpdatedAt() >= loaded.completedAt)) {
      splitKeys = regions.getSplitKeys();
      splitKeysFrom = regions.getChange() + " at " + regions.getUpdatedAt();
    } else if (loaded != null && loaded.regions.size() > 1) {
      List<ByteBuffer> keys = new ArrayList<>();
      loaded.regions.stream()
          .skip(1)
          .forEach(r -> keys.add(ByteBuffer.wrap(Base64.getDecoder().decode(r.startKey))));
      splitKeys = keys;
      splitKeysFrom = "base " + loaded.id;
    }
    TableDescriptor shaped =
        descriptor == null
            ? null
            : TableDescriptor.newBuilder(descriptor)
                .setSplitKeys(new ArrayList<>(splitKeys))
                .build();
    return new TableAtTime(
        table,
        shaped,
        null,
        null,
        cut,
        replayAfter,
        loaded,
        familyCuts,
        families,
        dropsFamilies,
        splitKeysFrom);
  }

  /** What a restore to T does with one table: see {@link TableTimeline}. */
  public static final class TableAtTime {
    private final String table;
    private final TableDescriptor descriptor;
    private final Long droppedAt;
    private final Long createdAt;
    private final long cut;
    private final long replayAfter;
    private final BaseImageManifest base;
    private final Map<String, Long> familyCuts;
    private final Set<String> families;
    private final boolean filtersCells;
    private final String splitKeysFrom;

    /** Whether a descriptor was recorded: without one every family's cells are kept. */
    private final boolean described;

    TableAtTime(
        String table,
        TableDescriptor descriptor,
        Long droppedAt,
        Long createdAt,
        long cut,
        long replayAfter,
        BaseImageManifest base,
        Map<String, Long> familyCuts,
        Set<String> families,
        boolean dropsFamilies,
        String splitKeysFrom) {
      this.table = table;
      this.descriptor = descriptor;
      this.droppedAt = droppedAt;
      this.createdAt = createdAt;
      this.cut = cut;
      this.replayAfter = replayAfter;
      this.base = base;
      this.familyCuts = Map.copyOf(familyCuts);
      this.families = Set.copyOf(families);
      this.filtersCells = dropsFamilies || !familyCuts.isEmpty();
      this.splitKeysFrom = splitKeysFrom;
      this.described = descriptor != null;
    }

    private TableAtTime(ReplayRules r) {
      this.table = r.table();
      this.descriptor = null;
      this.droppedAt = r.exists() ? null : r.replayAfter();
      this.createdAt = null;
      this.cut = Long.MIN_VALUE;
      this.replayAfter = r.replayAfter();
      this.base = null;
      this.familyCuts = Map.copyOf(r.familyCuts());
      this.families = Set.copyOf(r.families());
      this.filtersCells = r.filtersCells();
      this.splitKeysFrom = null;
      this.described = r.described();
    }

    /**
     * What the replay of this table's edits needs, as a value another process can take ({@link
     * #of(ReplayRules)}).
     */
    public ReplayRules replayRules() {
      return new ReplayRules(
          table, exists(), replayAfter, described, families, familyCuts, filtersCells);
    }

    /**
     * The table as its edits are replayed elsewhere (a MapReduce task): {@link #exists}, {@link
     * #replayAfter}, {@link #filtersCells} and {@link #keepsCell} as here; no descriptor, base nor
     * split keys, which only the restore's driver uses.
     */
    public static TableAtTime of(ReplayRules rules) {
      return new TableAtTime(rules);
    }

    static TableAtTime dropped(String table, long at) {
      return new TableAtTime(table, null, at, null, at, at, null, Map.of(), Set.of(), false, null);
    }

    static TableAtTime notYetCreated(String table, long at) {
      return new TableAtTime(
          table,
          null,
          null,
          at,
          Long.MIN_VALUE,
          Long.MIN_VALUE,
          null,
          Map.of(),
          Set.of(),
          false,
          null);
    }

    /**
     * A table without versions whose edits are replayed after {@code after}: as a base at that time
     * leaves it.
     */
    static TableAtTime replayingAfter(String table, long after) {
      return new TableAtTime(
          table, null, null, null, Long.MIN_VALUE, after, null, Map.of(), Set.of(), false, null);
    }

    /**
     * A table with no recorded version: replayed as it is, from its first edit, created from no
     * descriptor.
     */
    public static TableAtTime unrecorded(String table, Optional<BaseImageManifest> base) {
      BaseImageManifest b = base.orElse(null);
      return new TableAtTime(
          table,
          null,
          null,
          null,
          Long.MIN_VALUE,
          b == null ? Long.MIN_VALUE : b.replayAfter,
          b,
          Map.of(),
          Set.of(),
          false,
          null);
    }

    public String table() {
      return table;
    }

    /** Whether the table existed at T (it was not dropped before T, nor created after it). */
    public boolean exists() {
      return droppedAt == null && createdAt == null;
    }

    /**
     * When it was dropped, the newest lifecycle change at or before T being its drop; empty when it
     * was not.
     */
    public Optional<Long> droppedAt() {
      return Optional.ofNullable(droppedAt);
    }

    /** When it was created, when that was after T; empty otherwise. */
    public Optional<Long> createdAfter() {
      return Optional.ofNullable(createdAt);
    }

    /** The descriptor at T with the split keys at T; null when the store holds none. */
    public TableDescriptor descriptor() {
      return descriptor;
    }

    /** Where the split keys come from ("REGIONS at …", "base b-…"), null when none are known. */
    public String splitKeysFrom() {
      return splitKeysFrom;
    }

    /** The newest CREATE or TRUNCATE at or before T; Long.MIN_VALUE when none. */
    public long cut() {
      return cut;
    }

    /**
     * Edits written at or before this time are not replayed (in the base, or before a truncate).
     */
    public long replayAfter() {
      return replayAfter;
    }

    /** The base to load first, if any. */
    public Optional<BaseImageManifest> base() {
      return Optional.ofNullable(base);
    }

    /**
     * Whether a base file of this family is loaded: the family exists at T and was not added again
     * after the base.
     */
    public boolean loadsBaseFamily(String family) {
      if (described && !families.contains(family)) {
        return false;
      }
      Long familyCut = familyCuts.get(family);
      return familyCut == null || base == null || familyCut < base.startedAt;
    }

    /** Whether some cells of this table's edits are not replayed: see {@link #keepsCell}. */
    public boolean filtersCells() {
      return filtersCells;
    }

    /** Whether a cell of this family from an edit written at {@code writeTime} is replayed. */
    public boolean keepsCell(String family, long writeTime) {
      if (described && !families.contains(family)) {
        return false;
      }
      Long familyCut = familyCuts.get(family);
      return familyCut == null || writeTime > familyCut;
    }

    /**
     * Family -> max versions at T (what an all-versions read returns per column); empty without a
     * descriptor.
     */
    public Map<String, FamilyDescriptor> familySettings() {
      Map<String, FamilyDescriptor> settings = new HashMap<>();
      if (descriptor != null) {
        descriptor.getFamilies().forEach(f -> settings.put(f.getName(), f));
      }
      return settings;
    }

    @Override
    public String toString() {
      return table
          + (droppedAt != null ? " (dropped at " + droppedAt + ")" : "")
          + ", replay after "
          + replayAfter
          + (base != null ? ", base " + base.id : "")
          + (familyCuts.isEmpty() ? "" : ", family cuts " + familyCuts);
    }
  }

  /**
   * The replay's rules of one table at T ({@link TableAtTime#replayRules()}): plain values, for
   * JSON.
   */
  public record ReplayRules(
      String table,
      boolean exists,
      long replayAfter,
      boolean described,
      Set<String> families,
      Map<String, Long> familyCuts,
      boolean filtersCells) {}
}
