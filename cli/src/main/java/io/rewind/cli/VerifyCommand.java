package io.rewind.cli;

import io.rewind.core.config.RewindConfig;
import io.rewind.core.segment.KeyRing;
import io.rewind.core.store.Json;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.time.TimeParser;
import io.rewind.restore.StoreVerifier;
import io.rewind.restore.VerifyReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind verify}: the store's integrity without restoring ({@link StoreVerifier}); exit 0 only
 * when all is well, 1 when a problem was found (each named with its object and what to do).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check the store without restoring: every partition's committed chain (holes named by offsets and times), every segment",
      "and base file read back against its size and SHA-256 (decrypted when the key ring holds its key), every file a base",
      "names present, the checkpoint and the table descriptors. Exit 0 when all is well, 1 when a problem was found."
    })
final class VerifyCommand implements Callable<Integer> {

  static final String THREADS = "verify.threads";
  static final String MAX_BYTES_PER_SEC = "verify.max.bytes.per.sec";
  static final long DEFAULT_MAX_BYTES_PER_SEC = 100L << 20;

  @Mixin ConnectionOptions connection;

  @Option(names = "--tables", split = ",", paramLabel = "NS:TABLE", description = "Only these tables' segments, bases and descriptors.")
  List<String> tables = new ArrayList<>();

  @Option(names = "--since", paramLabel = "TIME",
      description = "Only data written after TIME (ISO-8601, epoch millis or relative like -24h): a routine check of recent data"
          + " that does not read the history.")
  String since;

  @Option(names = "--threads", paramLabel = "N", description = "Objects read at once (default: " + THREADS + ", else the cores).")
  Integer threads;

  @Option(names = "--max-bytes-per-sec", paramLabel = "BYTES",
      description = "Cap on the bytes read per second, all threads together (default: " + MAX_BYTES_PER_SEC + ", else 100 MiB/s; 0: none).")
  Long maxBytesPerSecond;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = connection.config();
    int n = threads != null ? threads : Integer.parseInt(config.getOrDefault(THREADS, String.valueOf(Runtime.getRuntime().availableProcessors())));
    long cap = maxBytesPerSecond != null ? maxBytesPerSecond
        : Long.parseLong(config.getOrDefault(MAX_BYTES_PER_SEC, String.valueOf(DEFAULT_MAX_BYTES_PER_SEC)));
    Long from = since == null ? null : new TimeParser(Clock.systemUTC()).parse(since).epochMillis();
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = RestoreCommand.openStore(config)) {
      StoreVerifier verifier = new StoreVerifier(store, KeyRing.fromConfig(config), n, cap);
      VerifyReport report;
      try (Audited audit = Audited.begin(config, store, "verify", tables,
          from == null ? "verify the whole store" : "verify data written after " + TimeParser.format(from))) {
        report = audit.run(() -> verifier.verify(tables, from), r -> java.util.Map.of("ok", r.ok, "problems", r.problems.size(),
            "segmentsChecked", r.segmentsChecked, "baseFilesChecked", r.baseFilesChecked, "durationMs", r.durationMs));
      }
      if (json) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(StoreRequestsField.added(Json.MAPPER, report, store.requests())));
      } else {
        print(out, report);
      }
      out.flush();
      if (!report.ok) {
        spec.commandLine().getErr().println("rewind verify: error: " + report.problems.size() + " problem(s) in " + report.storeUri
            + " (listed above)");
        return Errors.FAILED;
      }
      return 0;
    }
  }

  static void print(PrintWriter w, VerifyReport r) {
    w.printf("verify %s%s: %s%n", r.storeUri, r.sinceIso == null ? "" : " (data written after " + r.sinceIso + ")",
        r.ok ? "OK" : r.problems.size() + " PROBLEM(S)");
    w.printf("  checkpoint %s; %d partitions, %d manifests; %d segments (%,d bytes) and %d files of %d bases (%,d bytes) read back in %.1f s"
            + " (%,d bytes/s, cap %s, %d threads)%n",
        r.checkpointIso == null ? "MISSING" : r.checkpointIso, r.partitions, r.manifests, r.segmentsChecked, r.segmentBytesRead,
        r.baseFilesChecked, r.bases, r.baseFileBytesRead, r.durationMs / 1000.0, r.bytesPerSecond,
        r.maxBytesPerSecond > 0 ? r.maxBytesPerSecond + " bytes/s" : "none", r.threads);
    r.keys.forEach((id, use) -> w.printf("  key %s: %d segments, %d base files, newest data %s%s%n", id, use.segments, use.baseFiles,
        use.newestDataTimeIso, use.configured ? "" : " (not in the configured key ring)"));
    for (VerifyReport.Problem p : r.problems) {
      w.printf("  PROBLEM %s %s%n    %s%n    what to do: %s%n", p.kind, p.object, p.message, p.fix);
    }
    r.notes.forEach(note -> w.println("  note: " + note));
  }
}
