package io.rewind.cli;

import io.rewind.base.BaseImageSettings;
import io.rewind.base.Retention;
import io.rewind.base.RetentionReport;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.lease.LeaseBusyException;
import io.rewind.client.lease.LeaseLostException;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.client.time.TimeParser;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind retention}: deletes the bases and segments no restore inside the window needs.
 * Every restore to a time at or after the window's start stays possible and exact.
 */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = {
      "Delete what no restore inside the window needs: per table the newest base completed at or before",
      "the window's start and everything after it stay; older bases, HFiles no remaining base names, and",
      "segments holding only edits older than every kept base's replay start go. A table without a base",
      "keeps the whole stream; restore points older than the window keep what a restore to them needs. Each table's",
      "bases are deleted under its lease, segments under the stream's; what a running restore reads stays.",
      "With --every, runs until stopped and applies the policy periodically."
    })
final class RetentionCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionCommand.class);

  @Mixin ConnectionOptions connection;

  @Mixin LeaseOptions lease;

  @ArgGroup(multiplicity = "1")
  Window window;

  static final class Window {
    @Option(
        names = "--window",
        converter = DurationConverter.class,
        description = "Keep restores to the last WINDOW possible (e.g. 7d, 36h).")
    Duration length;

    @Option(
        names = "--window-start",
        paramLabel = "TIME",
        description =
            "Keep restores to TIME and later possible (ISO-8601, epoch millis or relative like -7d).")
    String start;
  }

  @Option(
      names = "--every",
      converter = DurationConverter.class,
      description = "Run until stopped, applying the policy this often.")
  Duration every;

  @Option(names = "--dry-run", description = "Print what would be deleted; delete nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = lease.apply(connection.config());
    if (every != null && window.start != null) {
      throw new RewindException(
          Kind.REFUSED,
          "--every applies a sliding window: pass --window, not a fixed --window-start");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = ObjectStore.open(config)) {
      Retention retention =
          new Retention(
              store, BaseImageSettings.from(config).intentExpiryMs(), LeaseSettings.from(config));
      while (true) {
        long start =
            window.start != null
                ? new TimeParser(Clock.systemUTC()).parse(window.start).epochMillis()
                : System.currentTimeMillis() - window.length.toMillis();
        StoreRequests before = store.requests();
        RetentionReport report;
        try {
          if (dryRun) {
            report = retention.run(start, true);
          } else {
            try (Audited audit =
                Audited.begin(
                    config,
                    store,
                    "retention",
                    List.of(),
                    "delete what no restore at or after " + TimeParser.format(start) + " needs")) {
              report =
                  audit.run(
                      () -> retention.run(start, false),
                      r ->
                          Map.of(
                              "basesDeleted",
                              r.basesDeleted,
                              "baseFilesDeleted",
                              r.baseFilesDeleted,
                              "segmentsDeleted",
                              r.segmentsDeleted,
                              "segmentBytesDeleted",
                              r.segmentBytesDeleted,
                              "keptPinned",
                              r.keptPinned.size()));
            }
          }
        } catch (LeaseBusyException | LeaseLostException e) {
          if (every == null) {
            throw e;
          }
          // What this run left undone, the next one (from the store as it is then) does.
          LOG.warn("retention run stopped, next in {}: {}", every, e.getMessage());
          report = null;
        }
        if (report != null) {
          print(out, report, store.requests().minus(before));
        }
        if (every == null) {
          return 0;
        }
        try {
          Thread.sleep(every.toMillis());
        } catch (InterruptedException e) {
          LOG.info("retention stopped");
          return 0;
        }
      }
    }
  }

  /**
   * @param requests the requests of this run (with --every, each run reports its own)
   */
  private void print(PrintWriter out, RetentionReport r, StoreRequests requests) throws Exception {
    if (json) {
      out.println(
          Json.MAPPER
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(StoreRequestsField.added(Json.MAPPER, r, requests)));
    } else {
      out.printf(
          "retention %sfrom %s: %s %d bases, %d base HFiles (%,d bytes), %d segments (%,d bytes)%s%n",
          r.dryRun ? "(dry run) " : "",
          r.windowStartIso,
          r.dryRun ? "would delete" : "deleted",
          r.basesDeleted.size(),
          r.baseFilesDeleted,
          r.baseBytesDeleted,
          r.segmentsDeleted,
          r.segmentBytesDeleted,
          r.segmentCutoffIso == null
              ? ""
              : "; segments with every edit at or before " + r.segmentCutoffIso + " are gone");
      r.basesDeleted.forEach(b -> out.println("  base deleted: " + b));
      r.keptPinned.forEach(k -> out.println("  kept for a running restore: " + k));
      r.tables.forEach((t, why) -> out.printf("  %-30s %s%n", t, why));
    }
    out.flush();
  }
}
