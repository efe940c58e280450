package io.rewind.tools;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.client.time.TimeParser;
import io.rewind.restore.RestorableRange;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.RestoreRequest;
import io.rewind.restore.Restorer;
import io.rewind.store.dump.CellDump;
import io.rewind.store.dump.DumpCell;
import io.rewind.testkit.sim.ExpectedDumps;
import io.rewind.testkit.sim.ExpectedState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Restores to random times in the restorable range and compares every table's dump, line for line,
 * with the simulator's expected state at that time.
 */
final class DemoVerifier {

  private final ObjectStore store;
  private final RewindConfig config;
  private final Path restoresDir;
  private final ExpectedState expected;
  private final DemoCommand.Narrator say;

  DemoVerifier(
      ObjectStore store,
      RewindConfig config,
      Path restoresDir,
      ExpectedState expected,
      DemoCommand.Narrator say) {
    this.store = store;
    this.config = config;
    this.restoresDir = restoresDir;
    this.expected = expected;
    this.say = say;
  }

  void verify(int count, long seed, long checkpoint, DemoReport report) throws IOException {
    Restorer restorer = Restorer.of(store, config);
    RestorableRange range = restorer.range();
    report.earliest = range.earliest();
    report.earliestIso = TimeParser.format(range.earliest());
    say.line("restorable range " + range + "; restoring to " + count + " random times in it");
    TreeSet<Long> times = new TreeSet<>();
    Random random = new Random(seed);
    long span = range.checkpoint() - range.earliest();
    while (times.size() < count && times.size() <= span) {
      times.add(range.earliest() + (span == 0 ? 0 : (long) (random.nextDouble() * (span + 1))));
    }
    int i = 0;
    for (long t : times) {
      i++;
      Path dir = restoresDir.resolve(String.format("%02d-%d", i, t));
      TreeSet<String> tables = new TreeSet<>(expected.tables());
      StoreRequests before = store.requests();
      RestoreReport r =
          restorer.restore(
              RestoreRequest.builder(RestoreRequest.When.at(t))
                  .target(new RestoreRequest.Target.Dumps(dir))
                  .build());
      DemoReport.RestoreResult result = new DemoReport.RestoreResult();
      result.storeRequests = store.requests().minus(before);
      result.time = t;
      result.timeIso = TimeParser.format(t);
      result.cells = r.cellsPerTable.values().stream().mapToLong(Long::longValue).sum();
      result.editsApplied = r.editsApplied;
      result.duplicatesSkipped = r.duplicatesSkipped;
      result.segments = r.segments;
      result.durationMs = r.durationMs;
      result.verified = true;
      for (String table : tables) {
        List<DumpCell> want = expected.cellsAt(table, t);
        result.expectedCells += want.size();
        String mismatch = ExpectedDumps.compare(dir.resolve(CellDump.fileName(table)), table, want);
        if (mismatch != null && result.verified) {
          result.verified = false;
          result.mismatch = mismatch;
        }
      }
      report.restores.add(result);
      say.line(
          String.format(
              "  restore %d to %s: %,d cells in %d tables from %d segments (%,d edits, %,d re-shipped duplicates skipped) in %d ms: %s",
              i,
              result.timeIso,
              result.cells,
              tables.size(),
              r.segments,
              r.editsApplied,
              r.duplicatesSkipped,
              r.durationMs,
              result.verified ? "verified" : "MISMATCH " + result.mismatch));
    }
  }
}
