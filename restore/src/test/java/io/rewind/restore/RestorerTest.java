package io.rewind.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ArchivedRecord;
import io.rewind.schemas.WalEdit;
import io.rewind.store.dump.CellDump;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.file.CodecFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one entry point of a restore, on a store of one partition: the time it resolves, what it
 * refuses, what it writes.
 */
class RestorerTest {

  private static final long FIRST_WRITE = 1_795_000_000_000L;
  private static final int EDITS = 3_000;
  private static final long CHECKPOINT = FIRST_WRITE + EDITS;

  @TempDir Path dir;
  private List<WalEdit> edits;

  @BeforeEach
  void writeStore() throws IOException {
    edits = RandomEdits.generate(7, EDITS, 300, FIRST_WRITE);
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      List<ArchivedRecord> records = new ArrayList<>();
      for (WalEdit e : edits) {
        records.add(store.record(records.size(), e));
      }
      store.segment(0, 0, records.size(), records, CodecFactory.zstandardCodec(3));
      store.checkpoint(CHECKPOINT);
    }
  }

  private RestoreReport restore(RestoreRequest request) throws IOException {
    try (TestStore store = new TestStore(dir.resolve("store"))) {
      return new Restorer(
              store.store,
              store.serdes,
              TestStore.TOPIC,
              KeyRing.none(),
              SortSettings.defaults(),
              LeaseSettings.from(RewindConfig.of(Map.of())))
          .restore(request);
    }
  }

  private static RestoreRequest.Builder to(long time) {
    return RestoreRequest.builder(RestoreRequest.When.at(time, "test"));
  }

  @Test
  void aRestoreIntoCellDumpsWritesEveryTableAtTAndVerifiesItsCounts() throws IOException {
    long time = FIRST_WRITE + EDITS / 2;
    Path out = dir.resolve("out");

    RestoreReport report =
        restore(to(time).target(new RestoreRequest.Target.Dumps(out)).verify(true).build());

    Map<String, List<DumpCell>> expected = RandomEdits.visibleCells(edits, time);
    assertThat(report.time).isEqualTo(time);
    assertThat(report.timeInterpretation).isEqualTo("test");
    assertThat(report.restoreEngine).isEqualTo("local");
    assertThat(report.mode).as("no HBase").isNull();
    assertThat(report.checkpoint).isEqualTo(CHECKPOINT);
    assertThat(report.cellsPerTable.keySet()).containsExactlyElementsOf(expected.keySet());
    assertThat(report.verification.ok).isTrue();
    for (Map.Entry<String, List<DumpCell>> table : expected.entrySet()) {
      assertThat(report.cellsPerTable.get(table.getKey())).isEqualTo(table.getValue().size());
      assertThat(report.verification.tables.get(table.getKey()).found)
          .isEqualTo(table.getValue().size());
      List<DumpCell> cells = new ArrayList<>(table.getValue());
      cells.sort(DumpCell.ORDER);
      Path reference = dir.resolve(CellDump.fileName(table.getKey()) + ".reference");
      CellDump.write(reference, table.getKey(), TimeParser.format(time), cells);
      assertThat(out.resolve(CellDump.fileName(table.getKey()))).hasSameBinaryContentAs(reference);
    }
  }

  @Test
  void aTimePastTheCheckpointIsRefusedNamingTheRangeAndNothingIsWritten() throws IOException {
    Path out = dir.resolve("out");

    assertThatThrownBy(
            () -> restore(to(CHECKPOINT + 1).target(new RestoreRequest.Target.Dumps(out)).build()))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining(TimeParser.format(CHECKPOINT));

    assertThat(files(out)).as("no dump").isEmpty();
  }

  @Test
  void latestRestoresToTheCheckpointReadOnce() throws IOException {
    RestoreReport report =
        restore(
            RestoreRequest.builder(RestoreRequest.When.latest())
                .target(new RestoreRequest.Target.Dumps(dir.resolve("out")))
                .build());

    assertThat(report.time).isEqualTo(CHECKPOINT).isEqualTo(report.checkpoint);
    assertThat(report.timeInterpretation).isEqualTo("--latest: the checkpoint");
    assertThat(report.editsApplied).isPositive();
  }

  @Test
  void aRestorePointTheStoreDoesNotHaveIsRefusedNamingHowToListThem() {
    assertThatThrownBy(
            () ->
                restore(
                    RestoreRequest.builder(RestoreRequest.When.point("before-migration"))
                        .target(new RestoreRequest.Target.Dumps(dir.resolve("out")))
                        .build()))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("no restore point before-migration")
        .hasMessageContaining("rewind restore-point list");
  }

  @Test
  void anUnknownTableIsRefusedNamingTheTablesBackedUp() {
    assertThatThrownBy(
            () ->
                restore(
                    to(CHECKPOINT)
                        .tables(List.of("default:nope"))
                        .target(new RestoreRequest.Target.Dumps(dir.resolve("out")))
                        .build()))
        .isInstanceOf(RestoreRefusedException.class)
        .hasMessageContaining("unknown table default:nope")
        .hasMessageContaining("Tables backed up: ");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aDryRunCountsTheEditsAndWritesNothing() throws IOException {
    long time = FIRST_WRITE + EDITS / 2;

    RestoreReport report = restore(to(time).dryRun(true).build());

    assertThat(report.dryRun).isTrue();
    assertThat(report.editsPlanned)
        .isEqualTo(edits.stream().filter(e -> e.getWriteTime() <= time).count());
    assertThat(report.editsApplied).isZero();
    assertThat(report.cellsPerTable).isEmpty();
  }

  private static List<Path> files(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(directory)) {
      return s.toList();
    }
  }
}
