package io.rewind.cli;

import io.rewind.archiver.ArchiverSettings;
import io.rewind.archiver.OrphanSegmentCollector;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rewind gc}: removes orphan segments (written, never committed by a manifest). */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
      "Remove orphan segments that crashed or superseded archivers left in the object store: a segment",
      "without a manifest, whose range lies below its partition's contiguous frontier and that is older",
      "than the grace period. Committed segments and manifests are never touched; safe while archivers run.",
      "Holds the stream's lease (no compaction pass or retention meanwhile); what a running restore reads stays."
    })
final class GcCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Mixin LeaseOptions lease;

  @Option(
      names = "--grace",
      converter = DurationConverter.class,
      description = "Minimum age of an orphan before it is removed (default: gc.grace.ms, 1h).")
  Duration grace;

  @Option(names = "--dry-run", description = "List what would be removed; remove nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = lease.apply(connection.config());
    LeaseSettings leaseSettings = LeaseSettings.from(config);
    long graceMs = grace != null ? grace.toMillis() : new ArchiverSettings(config).gcGraceMs();
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = ObjectStore.open(config)) {
      OrphanSegmentCollector collector =
          new OrphanSegmentCollector(
              store,
              graceMs,
              System::currentTimeMillis,
              leaseSettings,
              leaseSettings.waitDefault());
      OrphanSegmentCollector.Report report;
      if (dryRun) {
        report = collector.collect(true);
      } else {
        try (Audited audit =
            Audited.begin(
                config,
                store,
                "gc",
                List.of(),
                "remove orphan segments older than " + Duration.ofMillis(graceMs))) {
          report =
              audit.run(
                  () -> collector.collect(false),
                  r ->
                      Map.of(
                          "segmentsRemoved",
                          r.removed.size(),
                          "bytesRemoved",
                          r.bytesRemoved,
                          "manifestsRemoved",
                          r.manifestsRemoved.size(),
                          "pagesRemoved",
                          r.pagesRemoved.size(),
                          "keptPinned",
                          r.keptPinned.size(),
                          "leaseEpoch",
                          r.leaseEpoch));
        }
      }
      if (json) {
        out.println(
            Json.MAPPER
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(
                    StoreRequestsField.added(Json.MAPPER, report, store.requests())));
      } else {
        report.removed.forEach(k -> out.println((dryRun ? "would remove " : "removed ") + k));
        out.printf(
            "%s: %d partitions, %d segments (%d committed), %d orphans %s (%,d bytes), %d kept within the %s grace"
                + " period, %d kept above the frontier%n",
            store,
            report.partitions,
            report.segmentsSeen,
            report.segmentsCommitted,
            report.removed.size(),
            dryRun ? "to remove" : "removed",
            report.bytesRemoved,
            report.keptTooYoung.size(),
            Duration.ofMillis(graceMs),
            report.keptAboveFrontier.size());
      }
    }
    out.flush();
    return 0;
  }
}
