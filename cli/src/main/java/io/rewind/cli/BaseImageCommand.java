package io.rewind.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rewind.base.BaseImageReport;
import io.rewind.base.BaseImageSettings;
import io.rewind.base.BaseImageTaker;
import io.rewind.base.mapreduce.MapReduceBaseCopy;
import io.rewind.client.base.BaseImageManifest;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.TableBases;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseBusyException;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoreRequests;
import io.rewind.client.time.TimeParser;
import io.rewind.store.lease.Pin;
import io.rewind.store.lease.Pins;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rewind base}: full copies of tables from HBase snapshots ("base images"), so data older
 * than the stream is restorable and retention can expire old segments.
 */
@Command(
    name = "base",
    mixinStandardHelpOptions = true,
    subcommands = {
      BaseImageCommand.ListBases.class,
      BaseImageCommand.DeleteBase.class,
      BaseImageFollowCommand.class
    },
    description = {
      "Take a base of each table: an HBase snapshot, then its manifest and every HFile it references copied",
      "from HBase's root directory to bases/ in the store (no rename, no intermediate cluster), HFiles an",
      "earlier base already stored not copied again. Needs the cluster's hbase-site.xml (or hbase.rootdir",
      "and fs.defaultFS through --hbase-conf) to read the HFiles."
    })
final class BaseImageCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Mixin HBaseConnectionOptions hbase;

  @Mixin LeaseOptions lease;

  // Not required by picocli: the subcommands (list, delete, follow) would inherit the requirement.
  @Option(
      names = "--tables",
      split = ",",
      paramLabel = "NS:TABLE",
      description = "Tables to take a base of.")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--threads",
      description =
          "Copy threads (default: base.copy.threads, else a quarter of the cores, at least 1).")
  Integer threads;

  @Option(
      names = "--max-bytes-per-sec",
      description =
          "Upload bandwidth cap over all copy threads (default: base.copy.max.bytes.per.sec, 0 = none).")
  Long maxBytesPerSec;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      description =
          "Where the HFiles are copied: local (this process's threads, default) or mapreduce (a map-only job on the YARN"
              + " cluster of --hadoop-conf, one task per group of files, --max-bytes-per-sec per task).")
  RestoreCommand.Engine engine = RestoreCommand.Engine.local;

  @Option(
      names = "--hadoop-conf",
      paramLabel = "DIR",
      description =
          "The YARN cluster's client configuration for --engine mapreduce (default: HADOOP_CONF_DIR).")
  Path hadoopConf;

  @Option(
      names = "--tasks",
      paramLabel = "N",
      description = "Map tasks of --engine mapreduce at most (default: ${DEFAULT-VALUE}).")
  int tasks = 16;

  @Option(names = "--json", description = "Print the reports as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = lease.apply(connection.config());
    if (tables.isEmpty()) {
      throw new RewindException(
          Kind.REFUSED,
          "no tables: pass --tables ns:t1,ns:t2 (or run `rewind base follow` to take a base of every"
              + " table as it joins the backup)");
    }
    if (!hbase.given()) {
      throw new RewindException(
          Kind.REFUSED,
          "no HBase cluster: pass --hbase-site <hbase-site.xml> (or --hbase-zk with --hbase-conf"
              + " hbase.rootdir=... and fs.defaultFS=...) of the cluster whose tables to copy");
    }
    if (engine != RestoreCommand.Engine.mapreduce && (hadoopConf != null)) {
      throw new RewindException(
          Kind.REFUSED,
          "--hadoop-conf names the YARN cluster of --engine mapreduce: pass --engine mapreduce too");
    }
    if (tasks < 1) {
      throw new RewindException(
          Kind.REFUSED, "--tasks " + tasks + " copies nothing: give at least 1");
    }
    BaseImageSettings settings = settings(config, threads, maxBytesPerSec);
    PrintWriter out = spec.commandLine().getOut();
    // Each table's report carries the store requests of its own copy.
    List<ObjectNode> reports = new ArrayList<>();
    try (ObjectStore store = ObjectStore.open(config);
        Connection conn = hbase.connect()) {
      BaseImageTaker taker = new BaseImageTaker(conn, conn.getConfiguration(), store, settings);
      if (engine == RestoreCommand.Engine.mapreduce) {
        // The bandwidth cap applies per task: each copies from its own host.
        taker.withCopyEngine(
            new MapReduceBaseCopy(
                HadoopConfDir.load(hadoopConf, conn.getConfiguration()),
                config,
                tasks,
                settings.bytesPerSecond(),
                null));
      }
      for (String table : tables) {
        try (Audited audit =
            Audited.begin(
                config,
                store,
                "base",
                List.of(table),
                "take a base of " + table + " from an HBase snapshot")) {
          StoreRequests before = store.requests();
          BaseImageReport r =
              audit.run(
                  () -> taker.take(table),
                  b ->
                      Map.of(
                          "base",
                          b.id,
                          "files",
                          b.files,
                          "filesCopied",
                          b.filesCopied,
                          "bytes",
                          b.bytes,
                          "completedAt",
                          TimeParser.format(b.completedAt),
                          "leaseEpoch",
                          b.leaseEpoch));
          reports.add(StoreRequestsField.added(Json.MAPPER, r, store.requests().minus(before)));
          if (!json) {
            print(out, r);
          }
        }
      }
    }
    if (json) {
      out.println(
          Json.MAPPER
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(reports.size() == 1 ? reports.get(0) : reports));
    }
    out.flush();
    return 0;
  }

  static BaseImageSettings settings(RewindConfig config, Integer threads, Long maxBytesPerSec) {
    BaseImageSettings s = BaseImageSettings.from(config);
    if (threads != null) {
      s = s.withThreads(threads);
    }
    if (maxBytesPerSec != null) {
      s = s.withBytesPerSecond(maxBytesPerSec);
    }
    return s;
  }

  static void print(PrintWriter out, BaseImageReport r) {
    out.printf(
        "base %s of %s: snapshot %s, serves restores to %s and later (stream replayed after %s)%n",
        r.id,
        r.table,
        r.snapshot,
        TimeParser.format(r.completedAt),
        TimeParser.format(r.replayAfter));
    out.printf(
        "  %d HFiles, %,d bytes: %d copied (%,d bytes, %,d stored), %d reused from earlier bases (%,d bytes);"
            + " copy %.1f MB/s with %d threads; %d ms in all%n",
        r.files,
        r.bytes,
        r.filesCopied,
        r.bytesCopied,
        r.storedBytesWritten,
        r.filesReused,
        r.bytesReused,
        r.copyMbPerSec,
        r.threads,
        r.durationMs);
  }

  /** {@code rewind base list}: every committed base, per table. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the committed bases of every table (or of --tables).")
  static final class ListBases implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--tables",
        split = ",",
        paramLabel = "NS:TABLE",
        description = "Only these tables.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--json", description = "Print the bases as JSON.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (ObjectStore store = ObjectStore.open(connection.config())) {
        Map<String, TableBases> all = new BaseImageStore(store).all();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TableBases tb : all.values()) {
          if (!tables.isEmpty() && !tables.contains(tb.table())) {
            continue;
          }
          for (BaseImageManifest b : tb.all()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", b.table);
            row.put("id", b.id);
            row.put("completedAt", TimeParser.format(b.completedAt));
            row.put("replayAfter", TimeParser.format(b.replayAfter));
            row.put("files", b.files.size());
            row.put("bytes", b.bytes());
            row.put("storedBytes", b.storedBytes());
            rows.add(row);
            if (!json) {
              out.printf(
                  "%-30s %s  completed %s  %5d HFiles  %,15d bytes%n",
                  b.table, b.id, row.get("completedAt"), b.files.size(), b.bytes());
            }
          }
        }
        if (json) {
          out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
        } else if (rows.isEmpty()) {
          out.println("no bases in " + store);
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code rewind base delete}: deletes one base and the HFiles no other base names. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Delete a base; its HFiles go only when no remaining base names them. Restores to times it served then use an"
              + " older base, or are refused.")
  static final class DeleteBase implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "NS:TABLE")
    String table;

    @Parameters(index = "1", paramLabel = "ID", description = "The base's id (rewind base list).")
    String id;

    @Mixin LeaseOptions lease;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /**
     * Waits (up to lease.wait.ms) while a running restore reads the base. The pins are read after
     * the lease is written: a restore that pins later waits for this deletion before it reads the
     * bases.
     */
    private void awaitUnpinned(Pins pins, LeaseSettings settings) throws Exception {
      long deadline = System.nanoTime() + settings.waitDefault().toNanos();
      while (true) {
        List<Pin> readers =
            pins.live().stream().filter(p -> Pins.basePinned(List.of(p), table, id)).toList();
        if (readers.isEmpty()) {
          return;
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new LeaseBusyException(
              "base "
                  + id
                  + " of "
                  + table
                  + " is being read by "
                  + readers.stream()
                      .map(p -> p.purpose + " on host " + p.host + " (pid " + p.pid + ")")
                      .collect(Collectors.joining("; "))
                  + ": delete it once that is done, or pass --wait DURATION (lease.wait.ms) to wait for it");
        }
        Thread.sleep(settings.pollMs());
      }
    }

    @Override
    public Integer call() throws Exception {
      RewindConfig config = lease.apply(connection.config());
      LeaseSettings leaseSettings = LeaseSettings.from(config);
      try (ObjectStore store = ObjectStore.open(config);
          Lease held =
              new Leases(store, leaseSettings, System::currentTimeMillis)
                  .acquire("base delete", List.of(LeaseResources.table(table)))) {
        BaseImageStore bases = new BaseImageStore(store);
        TableBases tb = bases.bases(table);
        BaseImageManifest base =
            tb.all().stream()
                .filter(b -> b.id.equals(id))
                .findFirst()
                .orElseThrow(
                    () ->
                        new RewindException(
                            Kind.REFUSED,
                            "no base "
                                + id
                                + " of "
                                + table
                                + " in "
                                + store
                                + "; its bases: "
                                + (tb.isEmpty()
                                    ? "none"
                                    : String.join(", ", tb.all().stream().map(b -> b.id).toList()))
                                + " (rewind base list)"));
        awaitUnpinned(new Pins(store, leaseSettings, System::currentTimeMillis), leaseSettings);
        BaseImageStore.GarbageReport g;
        try (Audited audit =
            Audited.begin(
                config,
                store,
                "base delete",
                List.of(table),
                "delete base " + id + " of " + table)) {
          g =
              audit.run(
                  () -> {
                    held.confirm();
                    bases.delete(base);
                    return bases.collectGarbage(
                        table,
                        System.currentTimeMillis(),
                        BaseImageSettings.from(config).intentExpiryMs());
                  },
                  r ->
                      Map.of(
                          "filesDeleted",
                          r.filesDeleted,
                          "bytesDeleted",
                          r.bytesDeleted,
                          "filesKept",
                          r.filesKept,
                          "leaseEpoch",
                          held.epoch()));
        }
        if (json) {
          Map<String, Object> report = new LinkedHashMap<>();
          report.put("table", table);
          report.put("id", id);
          report.put("filesDeleted", g.filesDeleted);
          report.put("bytesDeleted", g.bytesDeleted);
          report.put("filesKept", g.filesKept);
          report.put("bytesKept", g.bytesKept);
          report.put("expiredIntents", g.expiredIntents);
          report.put(StoreRequestsField.NAME, store.requests());
          spec.commandLine()
              .getOut()
              .println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
          spec.commandLine()
              .getOut()
              .printf(
                  "deleted base %s of %s; %d HFiles (%,d bytes) no other base names were removed, %d kept%n",
                  id, table, g.filesDeleted, g.bytesDeleted, g.filesKept);
        }
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
