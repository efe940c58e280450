package io.rewind.monitoring;

import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestStore;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.StoreLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;

/**
 * The committed manifests of the store, read incrementally: manifests are immutable and keyed by
 * their start offset, so each is read once and a refresh only lists the directories. A torn one
 * (still being written) is not kept and is read again on the next refresh.
 */
final class ManifestCatalog {

  private final ObjectStore store;
  private final ManifestStore manifests;
  private final Map<Integer, TreeMap<Long, Manifest>> byPartition = new TreeMap<>();

  ManifestCatalog(ObjectStore store) {
    this.store = store;
    this.manifests = new ManifestStore(store);
  }

  /** Reads the manifests written since the last refresh. */
  void refresh() throws IOException {
    for (int partition : manifests.partitions()) {
      TreeMap<Long, Manifest> known = byPartition.computeIfAbsent(partition, p -> new TreeMap<>());
      for (FileStatus s : store.list(StoreLayout.manifestsDir(partition))) {
        OptionalLong start = StoreLayout.parseManifestName(s.getPath().getName());
        if (start.isEmpty() || known.containsKey(start.getAsLong())) {
          continue;
        }
        Optional<Manifest> m = manifests.read(StoreLayout.manifest(partition, start.getAsLong()));
        m.ifPresent(manifest -> known.put(manifest.startOffset, manifest));
      }
    }
  }

  /** Partitions with at least one manifest, ascending. */
  List<Integer> partitions() {
    return new ArrayList<>(byPartition.keySet());
  }

  /** The valid manifests of a partition in start-offset order. */
  List<Manifest> manifests(int partition) {
    TreeMap<Long, Manifest> known = byPartition.get(partition);
    return known == null ? List.of() : new ArrayList<>(known.values());
  }

  ManifestStore.Chain chain(int partition) {
    return ManifestStore.chain(manifests(partition));
  }
}
