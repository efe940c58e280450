package io.rewind.cli;

import io.rewind.archiver.CompactionSettings;
import io.rewind.archiver.Compactor;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.lease.LeaseBusyException;
import io.rewind.client.lease.LeaseLostException;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind compact}: keeps the store small and fast to read as it ages. Runs until stopped
 * (one per store), a pass every compaction.interval.ms; {@code --once} runs one pass.
 */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description = {
      "Index what the archivers committed and merge their segments by levels (default: the segments of each",
      "minute into one, then those of each hour), deleting the merged-away ones after compaction.grace.ms.",
      "Needs only the store. Each pass holds the stream's lease: a second compactor, gc or retention waits its turn,",
      "and a pass that finds the lease held is skipped (--once: exit 3). Runs until stopped; --once runs a single pass."
    })
final class CompactCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(CompactCommand.class);

  @Mixin ConnectionOptions connection;

  @Mixin LeaseOptions lease;

  @Option(
      names = "--once",
      description = "Run one pass and exit (exit code 1 when a run could not be merged).")
  boolean once;

  @Option(names = "--json", description = "Print each pass's report as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = lease.apply(connection.config());
    CompactionSettings settings = new CompactionSettings(config);
    PrintWriter out = spec.commandLine().getOut();
    String id =
        "compactor "
            + InetAddress.getLocalHost().getHostName()
            + "-"
            + ProcessHandle.current().pid();
    LongRunning.Stop stop = once ? new LongRunning.Stop() : LongRunning.onSignal(true);
    try (ObjectStore store = ObjectStore.open(config)) {
      store.checkReachable();
      Compactor compactor = new Compactor(store, settings, id, System::currentTimeMillis);
      // One audit record per process (a long-running compactor's end record holds its totals), not
      // one per pass.
      try (Audited audit =
          Audited.begin(
              config,
              store,
              "compact",
              List.of(),
              once ? "one compaction pass" : "compact until stopped")) {
        Totals totals = new Totals();
        if (!once) {
          LOG.info("{}: compacting {} every {} ms until stopped", id, store, settings.intervalMs());
        }
        return audit.run(
            () -> loop(compactor, settings, out, store, totals, stop), exit -> totals.asMap());
      }
    }
  }

  private int loop(
      Compactor compactor,
      CompactionSettings settings,
      PrintWriter out,
      ObjectStore store,
      Totals totals,
      LongRunning.Stop stop)
      throws Exception {
    while (!stop.requested()) {
      Compactor.Report report;
      try {
        report = compactor.pass();
      } catch (InterruptedException | InterruptedIOException e) {
        LOG.info("compactor stopped");
        return 0;
      } catch (LeaseLostException e) {
        if (once) {
          throw e;
        }
        // Another holder took the stream over while this pass was paused: the next pass starts from
        // what it wrote.
        LOG.warn("compaction pass stopped: {}", e.getMessage());
        totals.leasesLost++;
        report = null;
      }
      if (report != null) {
        totals.add(report);
        print(out, store, report);
      }
      if (once) {
        if (report.skipped != null) {
          throw new LeaseBusyException(report.skipped);
        }
        return report.errors.isEmpty() ? 0 : Errors.FAILED;
      }
      try {
        stop.awaitFor(settings.intervalMs());
      } catch (InterruptedException e) {
        break;
      }
    }
    LOG.info("compactor stopped");
    return 0;
  }

  /** What the passes of this process did, for its audit record. */
  private static final class Totals {
    long passes;
    long mergedSegmentsWritten;
    long segmentsMerged;
    long retiredDeleted;
    long errors;
    long skipped;
    long leasesLost;
    long lastLeaseEpoch;

    void add(Compactor.Report r) {
      if (r.skipped != null) {
        skipped++;
        return;
      }
      passes++;
      lastLeaseEpoch = r.leaseEpoch;
      mergedSegmentsWritten += r.mergedSegmentsWritten;
      segmentsMerged += r.segmentsMerged;
      retiredDeleted += r.retiredDeleted;
      errors += r.errors.size();
    }

    Map<String, Object> asMap() {
      return Map.of(
          "passes",
          passes,
          "mergedSegmentsWritten",
          mergedSegmentsWritten,
          "segmentsMerged",
          segmentsMerged,
          "retiredDeleted",
          retiredDeleted,
          "errors",
          errors,
          "passesSkipped",
          skipped,
          "leasesLost",
          leasesLost,
          "lastLeaseEpoch",
          lastLeaseEpoch);
    }
  }

  private void print(PrintWriter out, ObjectStore store, Compactor.Report r) throws Exception {
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    } else if (r.skipped != null) {
      out.println("pass skipped: " + r.skipped);
    } else if (once || r.mergedSegmentsWritten > 0 || r.retiredDeleted > 0 || !r.errors.isEmpty()) {
      out.printf(
          "%s: %d partitions, %d manifests indexed, %d segments merged into %d (%,d bytes), %d merged-away deleted,"
              + " %d index pages written%s%n",
          store,
          r.partitions,
          r.manifestsIndexed,
          r.segmentsMerged,
          r.mergedSegmentsWritten,
          r.bytesWritten,
          r.retiredDeleted,
          r.pagesWritten,
          r.headsRebuilt > 0 ? ", " + r.headsRebuilt + " index heads rebuilt" : "");
      r.errors.forEach(e -> out.println("  not merged: " + e));
    }
    out.flush();
  }
}
