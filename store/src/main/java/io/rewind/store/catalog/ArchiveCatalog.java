package io.rewind.store.catalog;

import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the store's archive holds, partition by partition, as the {@link ManifestIndex} describes
 * it: the restore's and the status page's view of the stream. Reading it costs a head, a listing
 * and the recent level-0 manifests per partition, not the history.
 */
public final class ArchiveCatalog {

  private final ManifestIndex index;
  private final List<PartitionView> partitions;

  private ArchiveCatalog(ManifestIndex index, List<PartitionView> partitions) {
    this.index = index;
    this.partitions = List.copyOf(partitions);
  }

  public static ArchiveCatalog read(ObjectStore store) throws IOException {
    return read(new ManifestIndex(store));
  }

  public static ArchiveCatalog read(ManifestIndex index) throws IOException {
    return new ArchiveCatalog(index, index.openAll());
  }

  public ManifestIndex index() {
    return index;
  }

  public List<PartitionView> partitions() {
    return partitions;
  }

  /**
   * Per table, the edits archived and the earliest write time among them; "" counts records without
   * a table header.
   */
  public Map<String, TableStats> tableStats() {
    Map<String, TableStats> tables = new TreeMap<>();
    partitions.forEach(p -> TableStats.addAll(tables, p.tables()));
    return tables;
  }

  /** The tables whose edits are archived. */
  public Set<String> tables() {
    Set<String> tables = new TreeSet<>(tableStats().keySet());
    tables.remove("");
    return tables;
  }

  /** The earliest write time archived, or empty when nothing is. */
  public OptionalLong minWriteTime() {
    Long min = null;
    for (PartitionView p : partitions) {
      OptionalLong m = p.minWriteTime();
      if (m.isPresent()) {
        min = TableStats.min(min, m.getAsLong());
      }
    }
    return min == null ? OptionalLong.empty() : OptionalLong.of(min);
  }

  /** Per partition, the covering manifests that can hold edits written in (after, upTo]. */
  public Map<Integer, List<Manifest>> overlappingWriteTimes(long after, long upTo)
      throws IOException {
    Map<Integer, List<Manifest>> result = new TreeMap<>();
    for (PartitionView p : partitions) {
      List<Manifest> m = p.overlappingWriteTimes(after, upTo);
      if (!m.isEmpty()) {
        result.put(p.partition(), m);
      }
    }
    return result;
  }
}
