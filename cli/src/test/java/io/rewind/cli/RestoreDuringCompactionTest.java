package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.archiver.CompactionSettings;
import io.rewind.archiver.Compactor;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.DumpTarget;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreOptions;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.RestoreTarget;
import io.rewind.restore.RestoredRow;
import io.rewind.store.dump.DumpCell;
import io.rewind.testkit.archive.HistoryArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore while the compactor merges and deletes the segments it planned: the restore reads the
 * merged-away offsets from the segment that merged them and restores exactly what it restores from
 * the untouched store. Once with the compaction run at a fixed moment (after the first partition is
 * replayed, before the second is read: its planned segments are gone), once with the compactor and
 * several restores running side by side.
 */
class RestoreDuringCompactionTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;

  @TempDir Path dir;
  private final KafkaClients clients = new KafkaClients(RewindConfig.of(Map.of()));
  private long first;

  private String writeStore(String name) throws Exception {
    String uri = dir.resolve(name).toUri().toString();
    first = Math.floorDiv(System.currentTimeMillis() - 3 * HOUR, HOUR) * HOUR;
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      HistoryArchive.write(
          store,
          clients.serdes(),
          new HistoryArchive.Shape(2, 20 * MINUTE, 200, 2_000, first, 2_000, 11));
    }
    return uri;
  }

  private static Compactor compactor(ObjectStore store) {
    return new Compactor(
        store,
        new CompactionSettings(RewindConfig.of(Map.of(CompactionSettings.GRACE_MS, "0"))),
        "test",
        System::currentTimeMillis);
  }

  @Test
  void segmentsMergedAwayAfterThePlanAreReadFromTheirMergedSegment() throws Exception {
    String uri = writeStore("fixed");
    long time = first + 15 * MINUTE;
    Map<String, String> expected;
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      expected = restore(store, time, dir.resolve("expected"), null);
    }

    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      Path out = dir.resolve("during");
      RestoreReport[] report = new RestoreReport[1];
      Map<String, String> restored =
          restore(store, time, out, target -> new CompactingOnce(target, store), report);

      assertThat(report[0].segmentsMergedAway)
          .as("the second partition's planned segments were gone")
          .isPositive();
      assertThat(restored).isEqualTo(expected);
    }
  }

  @Test
  void restoresRunBesideACompactorAndStayExact() throws Exception {
    String uri = writeStore("concurrent");
    List<Long> times = List.of(first + 3 * MINUTE, first + 11 * MINUTE, first + 19 * MINUTE);
    List<Map<String, String>> expected = new ArrayList<>();
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      for (int i = 0; i < times.size(); i++) {
        expected.add(restore(store, times.get(i), dir.resolve("expected-" + i), null));
      }
    }
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (ObjectStore store = ObjectStore.open(uri, Map.of());
        ObjectStore compacting = ObjectStore.open(uri, Map.of())) {
      Future<Compactor.Report> compaction = pool.submit(() -> compactor(compacting).pass());
      for (int i = 0; i < times.size(); i++) {
        assertThat(restore(store, times.get(i), dir.resolve("during-" + i), null))
            .as("restore to %s", times.get(i))
            .isEqualTo(expected.get(i));
      }
      assertThat(compaction.get().mergedSegmentsWritten).isPositive();
      for (int i = 0; i < times.size(); i++) {
        assertThat(restore(store, times.get(i), dir.resolve("after-" + i), null))
            .isEqualTo(expected.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private Map<String, String> restore(
      ObjectStore store, long time, Path out, UnaryOperator<RestoreTarget> wrap) throws Exception {
    return restore(store, time, out, wrap, new RestoreReport[1]);
  }

  /**
   * Restores into cell dumps with one replay thread, so partitions are read one after the other.
   */
  private Map<String, String> restore(
      ObjectStore store,
      long time,
      Path out,
      UnaryOperator<RestoreTarget> wrap,
      RestoreReport[] report)
      throws Exception {
    Restore restore = new Restore(store, clients.serdes(), clients.topics().edits());
    DumpTarget dump = new DumpTarget(out, time, restore.knownTables(restore.catalog()));
    RestoreTarget target = wrap == null ? dump : wrap.apply(dump);
    report[0] = restore.run(new RestoreOptions(time, List.of(), 1, false), target);
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(out)) {
      for (Path f : list.toList()) {
        files.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    assertThat(files).isNotEmpty();
    return files;
  }

  /** Runs one compaction pass, deleting what it merges, when the first partition's rows arrive. */
  private final class CompactingOnce implements RestoreTarget {
    private final RestoreTarget target;
    private final ObjectStore store;
    private boolean compacted;

    CompactingOnce(RestoreTarget target, ObjectStore store) {
      this.target = target;
      this.store = store;
    }

    @Override
    public void acceptRows(String table, List<RestoredRow> rows) throws IOException {
      if (!compacted) {
        compacted = true;
        try {
          assertThat(compactor(store).pass().retiredDeleted).isPositive();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      target.acceptRows(table, rows);
    }

    @Override
    public void acceptRow(String table, List<DumpCell> cells) throws IOException {
      target.acceptRow(table, cells);
    }

    @Override
    public Map<String, Long> finish() throws IOException {
      return target.finish();
    }

    @Override
    public void abort() {
      target.abort();
    }
  }
}
