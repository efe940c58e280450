package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.archiver.OrphanSegmentCollector;
import io.rewind.base.Retention;
import io.rewind.base.RetentionReport;
import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.store.Manifest;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreLayout;
import io.rewind.store.catalog.ManifestIndex;
import io.rewind.store.lease.PinHandle;
import io.rewind.store.lease.Pins;
import io.rewind.testkit.archive.HistoryArchive;
import io.rewind.testkit.archive.SyntheticArchive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running restore pins stays while retention and gc run, and goes once the pin is gone: on a
 * store holding an hour of level-0 segments on two partitions and a base that lets retention delete
 * most of them; on a store holding captured bulk loads older than the table's base.
 */
class PinnedStoreTest {

  private static final long MINUTE = 60_000;

  @TempDir Path dir;

  @Test
  void retentionAndGcLeaveWhatAPinNamesAndDeleteItOnceThePinIsGone() throws Exception {
    LeaseSettings leases = LeaseSettings.from(RewindConfig.of(Map.of()));
    long first = System.currentTimeMillis() - 2 * 60 * MINUTE;
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      HistoryArchive.write(
          store,
          new KafkaClients(RewindConfig.of(Map.of())).serdes(),
          new HistoryArchive.Shape(2, 60 * MINUTE, 4, MINUTE, first, 50, 5));
      commitBase(store, first + 50 * MINUTE);
      ManifestIndex index = new ManifestIndex(store);
      List<Manifest> p0 = index.open(0).all();
      long pinnedFrom = p0.get(10).startOffset;
      // An orphan inside the pinned range, below the frontier: gc would remove it at once (no
      // grace).
      String orphan = StoreLayout.segment(0, p0.get(12).startOffset, p0.get(12).startOffset + 1);
      store.write(orphan, new byte[] {1});

      Pins pins = new Pins(store, leases, System::currentTimeMillis);
      RetentionReport report;
      try (PinHandle pin = pins.pinEverything("restore to a test time", null)) {
        pin.narrow(Map.of(0, pinnedFrom), List.of());
        report =
            new Retention(store, Duration.ofDays(1).toMillis(), leases)
                .run(first + 55 * MINUTE, false);
        OrphanSegmentCollector.Report gc =
            new OrphanSegmentCollector(store, 0, System::currentTimeMillis, leases, Duration.ZERO)
                .collect(false);
        assertThat(gc.keptPinned).contains(orphan);
        assertThat(store.exists(orphan)).isTrue();
      }
      assertThat(report.keptPinned)
          .as("manifests of p=0 at or above the pinned offset")
          .isNotEmpty()
          .allSatisfy(k -> assertThat(k).startsWith(StoreLayout.manifestsDir(0) + "/"));
      for (Manifest m : p0) {
        boolean pinned = m.endOffset > pinnedFrom;
        assertThat(store.exists(m.key()))
            .as("%s (pinned: %s)", m.key(), pinned)
            .isEqualTo(pinned || m.maxWriteTime > first + 50 * MINUTE - 500);
      }
      assertThat(new ManifestIndex(store).floor().of(1))
          .as("p=1 was not pinned: its prefix went")
          .isPositive();

      // Unpinned: gc removes the orphan (and, once a compactor dropped them from the index, what
      // retention left below its floor).
      OrphanSegmentCollector.Report gc =
          new OrphanSegmentCollector(store, 0, System::currentTimeMillis, leases, Duration.ZERO)
              .collect(false);
      assertThat(gc.keptPinned).isEmpty();
      assertThat(store.exists(orphan)).isFalse();
      assertThat(pins.live()).isEmpty();
    }
  }

  @Test
  void retentionKeepsTheBulkLoadsAPinReadsAndTheirFiles() throws Exception {
    LeaseSettings leases = LeaseSettings.from(RewindConfig.of(Map.of()));
    long first = System.currentTimeMillis() - 2 * 60 * MINUTE;
    try (ObjectStore store = ObjectStore.open(dir.toUri().toString(), Map.of())) {
      commitBase(store, first + 50 * MINUTE);
      BulkLoadManifest older = commitBulkLoad(store, first + 20 * MINUTE, "r1");
      BulkLoadManifest read = commitBulkLoad(store, first + 30 * MINUTE, "r2");
      BulkLoadStore loads = new BulkLoadStore(store);

      Pins pins = new Pins(store, leases, System::currentTimeMillis);
      RetentionReport report;
      try (PinHandle pin = pins.pinEverything("restore to a test time", null)) {
        // A restore replaying the table's stream (and its bulk loads) from 25 minutes in.
        pin.narrow(Map.of(), List.of(), Map.of(SyntheticArchive.TABLE, first + 25 * MINUTE));
        report =
            new Retention(store, Duration.ofDays(1).toMillis(), leases)
                .run(first + 55 * MINUTE, false);
      }
      assertThat(report.bulkLoadsDeleted).hasSize(1);
      assertThat(report.keptPinned)
          .hasSize(1)
          .allSatisfy(k -> assertThat(k).startsWith("bulk load ").contains(" r2 "));
      assertThat(loads.all(SyntheticArchive.TABLE)).extracting(l -> l.region).containsExactly("r2");
      assertThat(store.exists(older.files.get(0).key)).as("named by nothing left").isFalse();
      assertThat(store.exists(read.files.get(0).key)).as("named by the pinned load").isTrue();

      report =
          new Retention(store, Duration.ofDays(1).toMillis(), leases)
              .run(first + 55 * MINUTE, false);
      assertThat(report.bulkLoadsDeleted).as("unpinned").hasSize(1);
      assertThat(loads.all(SyntheticArchive.TABLE)).isEmpty();
      assertThat(store.exists(read.files.get(0).key)).isFalse();
    }
  }

  /** A captured bulk load of the history's table, with one stored file. */
  private static BulkLoadManifest commitBulkLoad(ObjectStore store, long writeTime, String region)
      throws Exception {
    BulkLoadManifest load = new BulkLoadManifest();
    load.table = SyntheticArchive.TABLE;
    load.region = region;
    load.sequenceId = 7;
    load.writeTime = writeTime;
    load.startedAt = writeTime;
    load.editsPartitions = 2;
    BaseImageFile f = new BaseImageFile();
    f.family = "f";
    f.name = "bulk-" + region;
    f.key = BaseImageStore.fileKey(load.table, f.family, f.name);
    f.size = 3;
    store.write(f.key, new byte[] {1, 2, 3});
    load.files.add(f);
    new BulkLoadStore(store).commit(load);
    return load;
  }

  /**
   * A base of the history's table completed at {@code completedAt}: retention may then delete the
   * stream before it.
   */
  private static void commitBase(ObjectStore store, long completedAt) throws Exception {
    BaseImageManifest base = new BaseImageManifest();
    base.table = SyntheticArchive.TABLE;
    base.id = BaseImageStore.baseId(completedAt - 1_000);
    base.startedAt = completedAt - 1_000;
    base.replayAfter = base.startedAt - 500;
    base.completedAt = completedAt;
    new BaseImageStore(store).commit(base);
  }
}
