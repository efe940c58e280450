package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.segment.KeyRing;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.client.time.TimeParser;
import io.rewind.restore.StoreVerifier;
import io.rewind.restore.VerifyReport;
import io.rewind.store.verify.RestoreTestRecord;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind verify}: the store's integrity without restoring ({@link StoreVerifier}); exit 0
 * only when all is well, 1 when a problem was found (each named with its object and what to do).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check the store without restoring: every partition's committed chain (holes named by offsets and times), every segment",
      "and base file read back against its size and SHA-256 (decrypted when the key ring holds its key), every file a base",
      "names present, the checkpoint and the table descriptors. Exit 0 when all is well, 1 when a problem was found.",
      "With --restore-test: restore a sample of tables (random unless --tables) to a time (random in their restorable range",
      "unless --to) into an isolated namespace rewind_test_<id> of --hbase-zk's cluster (or cell dumps without one), compare",
      "each with its source where the source can be an oracle, else read it back (counts and a content hash), record the",
      "outcome and the restore time in the store (rewind status shows them), drop what it restored; --every repeats it."
    })
final class VerifyCommand implements Callable<Integer> {

  static final String THREADS = "verify.threads";
  static final String MAX_BYTES_PER_SEC = "verify.max.bytes.per.sec";
  static final long DEFAULT_MAX_BYTES_PER_SEC = 100L << 20;

  /** The verify.* settings, overridden by --threads and --max-bytes-per-sec. */
  static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              THREADS,
              Type.INT,
              null,
              ConfigDef.LambdaValidator.with(
                  VerifyCommand::positiveOrNone, () -> "[1,...]; none: cores"),
              Importance.MEDIUM,
              "Objects `rewind verify` reads at once; none: this host's cores.")
          .define(
              MAX_BYTES_PER_SEC,
              Type.LONG,
              DEFAULT_MAX_BYTES_PER_SEC,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Cap on the bytes `rewind verify` reads per second, all threads together; 0: none.");

  /** Unset (this host's cores) or at least 1: a default of none cannot go through Range. */
  private static void positiveOrNone(String name, Object value) {
    if (value != null && (Integer) value < 1) {
      throw new ConfigException(name, value, "must be at least 1");
    }
  }

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--tables",
      split = ",",
      paramLabel = "NS:TABLE",
      description = "Only these tables' segments, bases and descriptors.")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only data written after TIME (ISO-8601, epoch millis or relative like -24h): a routine check of recent data"
              + " that does not read the history.")
  String since;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Objects read at once (default: " + THREADS + ", else the cores).")
  Integer threads;

  @Option(
      names = "--max-bytes-per-sec",
      paramLabel = "BYTES",
      description =
          "Cap on the bytes read per second, all threads together (default: "
              + MAX_BYTES_PER_SEC
              + ", else 100 MiB/s; 0: none).")
  Long maxBytesPerSecond;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(
      names = "--restore-test",
      description = "Run a restore test instead of the integrity check (see above).")
  boolean restoreTest;

  @Option(
      names = "--to",
      paramLabel = "T",
      description = "With --restore-test: the time to restore to (default: random in the range).")
  String to;

  @Option(
      names = "--sample",
      paramLabel = "N",
      description =
          "With --restore-test: tables drawn when --tables is not given (default: ${DEFAULT-VALUE}).")
  int sample = 2;

  @Option(
      names = "--no-oracle",
      description =
          "With --restore-test: compare no table with its source, read every one back (counts and hash).")
  boolean noOracle;

  @Option(
      names = "--no-oracle-tables",
      split = ",",
      paramLabel = "NS:TABLE",
      description =
          "With --restore-test: tables written with explicit cell timestamps, whose source scan at T is no oracle.")
  List<String> noOracleTables = new ArrayList<>();

  @Option(
      names = "--seed",
      description = "With --restore-test: seed of the sample and the time (default: random).")
  Long seed;

  @Option(
      names = "--every",
      converter = DurationConverter.class,
      description =
          "With --restore-test: run until stopped, one test this often (e.g. 24h); each outcome is recorded.")
  Duration every;

  @picocli.CommandLine.Mixin HBaseConnectionOptions hbase;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = connection.config();
    AbstractConfig settings = config.parse(CONFIG);
    Integer configuredThreads = settings.getInt(THREADS);
    int n =
        threads != null
            ? threads
            : configuredThreads != null
                ? configuredThreads
                : Runtime.getRuntime().availableProcessors();
    long cap = maxBytesPerSecond != null ? maxBytesPerSecond : settings.getLong(MAX_BYTES_PER_SEC);
    Long from = since == null ? null : new TimeParser(Clock.systemUTC()).parse(since).epochMillis();
    PrintWriter out = spec.commandLine().getOut();
    if (restoreTest) {
      return restoreTests(config, out);
    }
    if (to != null || every != null || hbase.given()) {
      throw new RewindException(
          Kind.REFUSED,
          "--to, --every and --hbase-zk/--hbase-site belong to --restore-test: add it, or drop them");
    }
    try (ObjectStore store = RestoreCommand.openStore(config)) {
      StoreVerifier verifier = new StoreVerifier(store, KeyRing.fromConfig(config), n, cap);
      VerifyReport report;
      try (Audited audit =
          Audited.begin(
              config,
              store,
              "verify",
              tables,
              from == null
                  ? "verify the whole store"
                  : "verify data written after " + TimeParser.format(from))) {
        report =
            audit.run(
                () -> verifier.verify(tables, from),
                r ->
                    Map.of(
                        "ok",
                        r.ok,
                        "problems",
                        r.problems.size(),
                        "segmentsChecked",
                        r.segmentsChecked,
                        "baseFilesChecked",
                        r.baseFilesChecked,
                        "bulkLoadFilesChecked",
                        r.bulkLoadFilesChecked,
                        "durationMs",
                        r.durationMs));
      }
      if (json) {
        out.println(
            Json.MAPPER
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(
                    StoreRequestsField.added(Json.MAPPER, report, store.requests())));
      } else {
        print(out, report);
      }
      out.flush();
      if (!report.ok) {
        spec.commandLine()
            .getErr()
            .println(
                "rewind verify: error: "
                    + report.problems.size()
                    + " problem(s) in "
                    + report.storeUri
                    + " (listed above)");
        return Errors.FAILED;
      }
      return 0;
    }
  }

  private int restoreTests(RewindConfig config, PrintWriter out) throws Exception {
    if (since != null) {
      throw new RewindException(
          Kind.REFUSED,
          "--since belongs to the integrity check: a restore test restores to --to (or a random time)");
    }
    if (sample < 1) {
      throw new RewindException(
          Kind.REFUSED, "--sample " + sample + " restores nothing: give at least 1");
    }
    Long time = to == null ? null : new TimeParser(Clock.systemUTC()).parse(to).epochMillis();
    try (ObjectStore store = RestoreCommand.openStore(config);
        ScratchDir scratch = ScratchDir.of(null, "rewind-restore-test-");
        Connection connection = hbase.given() ? hbase.connect() : null) {
      RestoreTester tester = new RestoreTester(store, config, connection, scratch.path());
      long round = 0;
      while (true) {
        long testSeed = seed != null ? seed + round : System.nanoTime();
        RestoreTester.Request request =
            new RestoreTester.Request(
                tables, time, sample, new HashSet<>(noOracleTables), !noOracle, testSeed);
        RestoreTestRecord record;
        StoreRequests before = store.requests();
        try (Audited audit =
            Audited.begin(
                config,
                store,
                "restore-test",
                tables,
                "restore test of "
                    + (tables.isEmpty() ? sample + " random tables" : String.join(", ", tables))
                    + " to "
                    + (to == null ? "a random time" : to))) {
          record =
              audit.run(
                  () -> tester.run(request),
                  r ->
                      Map.of(
                          "ok",
                          r.ok,
                          "time",
                          r.timeIso,
                          "tables",
                          r.tables,
                          "restoreMs",
                          r.restoreMs,
                          "target",
                          r.target));
        }
        if (json) {
          out.println(
              Json.MAPPER
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(
                      StoreRequestsField.added(
                          Json.MAPPER, record, store.requests().minus(before))));
        } else {
          printTest(out, record);
        }
        out.flush();
        if (every == null) {
          if (!record.ok) {
            spec.commandLine()
                .getErr()
                .println("rewind verify: error: the restore test failed: " + record.error);
          }
          return record.ok ? 0 : Errors.FAILED;
        }
        round++;
        try {
          Thread.sleep(every.toMillis());
        } catch (InterruptedException e) {
          return 0;
        }
      }
    }
  }

  static void printTest(PrintWriter w, RestoreTestRecord r) {
    w.printf(
        "restore test %s at %s: %s%n", r.id, r.startedAtIso, r.ok ? "OK" : "FAILED: " + r.error);
    w.printf(
        "  restored %s to %s into %s in %d ms (%d bases, %d segments, %,d bytes, %,d bytes/s, %,d edits)%n",
        String.join(", ", r.tables),
        r.timeIso,
        r.target,
        r.restoreMs,
        r.bases,
        r.segments,
        r.bytes,
        r.bytesPerSecond,
        r.editsApplied);
    r.results.forEach(
        (t, c) ->
            w.printf(
                "  %-30s %-16s %10d cells%s sha256 %s %s%n",
                t,
                c.mode,
                c.cells,
                c.expectedCells == null ? "" : " (expected " + c.expectedCells + ")",
                c.sha256,
                c.ok ? "ok" : "MISMATCH " + c.mismatch));
  }

  static void print(PrintWriter w, VerifyReport r) {
    w.printf(
        "verify %s%s: %s%n",
        r.storeUri,
        r.sinceIso == null ? "" : " (data written after " + r.sinceIso + ")",
        r.ok ? "OK" : r.problems.size() + " PROBLEM(S)");
    w.printf(
        "  checkpoint %s; %d partitions, %d manifests; %d segments (%,d bytes) and %d files of %d bases (%,d bytes) read back in %.1f s"
            + " (%,d bytes/s, cap %s, %d threads)%n",
        r.checkpointIso == null ? "MISSING" : r.checkpointIso,
        r.partitions,
        r.manifests,
        r.segmentsChecked,
        r.segmentBytesRead,
        r.baseFilesChecked,
        r.bases,
        r.baseFileBytesRead,
        r.durationMs / 1000.0,
        r.bytesPerSecond,
        r.maxBytesPerSecond > 0 ? r.maxBytesPerSecond + " bytes/s" : "none",
        r.threads);
    if (r.bulkLoads > 0) {
      w.printf(
          "  %d files of %d bulk loads (%,d bytes) read back%n",
          r.bulkLoadFilesChecked, r.bulkLoads, r.bulkLoadFileBytesRead);
    }
    r.keys.forEach(
        (id, use) ->
            w.printf(
                "  key %s: %d segments, %d stored HFiles, newest data %s%s%n",
                id,
                use.segments,
                use.baseFiles,
                use.newestDataTimeIso,
                use.configured ? "" : " (not in the configured key ring)"));
    for (VerifyReport.Problem p : r.problems) {
      w.printf("  PROBLEM %s %s%n    %s%n    what to do: %s%n", p.kind, p.object, p.message, p.fix);
    }
    r.notes.forEach(note -> w.println("  note: " + note));
  }
}
