package io.rewind.client.base;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.ObjectStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkLoadStoreTest {

  private static final String TABLE = "ns:t";
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_796_000_000_000L;

  @Test
  void loadsAreFoundByTheirWriteTimeAcrossDaysAndAShippedAgainBatchFindsItsCommit(@TempDir Path dir)
      throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      BulkLoadStore loads = new BulkLoadStore(store);
      BulkLoadManifest first = load(T0, "r1", 7, "f1");
      BulkLoadManifest second = load(T0 + 3 * DAY, "r2", 9, "f2");
      loads.commit(first);
      loads.commit(second);

      assertThat(loads.all(TABLE)).extracting(l -> l.region).containsExactly("r1", "r2");
      assertThat(loads.between(TABLE, T0, T0 + 3 * DAY))
          .extracting(l -> l.region)
          .as("after, at or before")
          .containsExactly("r2");
      assertThat(loads.between(TABLE, Long.MIN_VALUE, T0 + DAY))
          .extracting(l -> l.region)
          .containsExactly("r1");
      assertThat(loads.between(TABLE, T0 + DAY, T0 + 2 * DAY)).isEmpty();
      assertThat(loads.read(BulkLoadStore.commitKey(TABLE, T0, "r1", 7))).isPresent();
      assertThat(loads.read(BulkLoadStore.commitKey(TABLE, T0, "r1", 8))).isEmpty();
      assertThat(store.list(BulkLoadStore.ROOT + "/ns/t")).as("one directory per day").hasSize(2);
      assertThat(loads.tables()).containsExactly(TABLE);
    }
  }

  @Test
  void garbageCollectionKeepsWhatACommittedLoadOrALiveIntentNames(@TempDir Path dir)
      throws Exception {
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      BulkLoadStore loads = new BulkLoadStore(store);
      BaseImageStore bases = new BaseImageStore(store);
      BulkLoadManifest committed = load(T0, "r1", 7, "kept");
      BulkLoadManifest copying = load(T0 + 1, "r2", 8, "copying");
      copying.startedAt = T0;
      BulkLoadManifest crashed = load(T0 + 2, "r3", 9, "crashed");
      crashed.startedAt = T0 - 2 * DAY;
      for (BulkLoadManifest l : List.of(committed, copying, crashed)) {
        store.write(l.files.get(0).key, new byte[] {1, 2, 3});
      }
      store.write(BaseImageStore.fileKey(TABLE, "f", "orphan"), new byte[] {4});
      loads.commit(committed);
      loads.writeIntent(copying);
      loads.writeIntent(crashed);

      BaseImageStore.GarbageReport report = bases.collectGarbage(TABLE, T0 + 1000, DAY);

      assertThat(store.exists(committed.files.get(0).key)).isTrue();
      assertThat(store.exists(copying.files.get(0).key)).isTrue();
      assertThat(store.exists(crashed.files.get(0).key)).isFalse();
      assertThat(store.exists(BaseImageStore.fileKey(TABLE, "f", "orphan"))).isFalse();
      assertThat(report.expiredIntents).isEqualTo(1);
      assertThat(loads.intents(TABLE)).extracting(l -> l.region).containsExactly("r2");

      loads.delete(committed);
      bases.collectGarbage(TABLE, T0 + 1000, DAY);
      assertThat(store.exists(committed.files.get(0).key)).as("no longer named").isFalse();
      assertThat(loads.all(TABLE)).isEmpty();
    }
  }

  private static BulkLoadManifest load(long writeTime, String region, long seq, String file) {
    BulkLoadManifest l = new BulkLoadManifest();
    l.table = TABLE;
    l.region = region;
    l.sequenceId = seq;
    l.writeTime = writeTime;
    l.editsPartitions = 4;
    l.startedAt = writeTime;
    BaseImageFile f = new BaseImageFile();
    f.family = "f";
    f.name = file;
    f.key = BaseImageStore.fileKey(TABLE, "f", file);
    f.size = 3;
    l.files.add(f);
    return l;
  }
}
