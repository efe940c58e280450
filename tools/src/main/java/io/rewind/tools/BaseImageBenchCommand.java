package io.rewind.tools;

import io.rewind.base.BaseImageReport;
import io.rewind.base.BaseImageSettings;
import io.rewind.base.BaseImageTaker;
import io.rewind.cli.RunOptions;
import io.rewind.cli.StoreRequestsField;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.StoredObject;
import io.rewind.stack.HBaseMiniCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.hadoop.hbase.util.CommonFSUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench base}: consecutive bases of a read-heavy table on an HBase mini cluster. The
 * table is loaded as {@code --regions} regions × {@code --files-per-region} flushed HFiles
 * (families uncompressed, HBase's default); between bases about 1 % of its HFiles change (one
 * region gets a flush's worth of new rows). Stored bytes (everything under bases/: HFiles, snapshot
 * manifests, base manifests) are compared with what 10 naive full copies would store, and the first
 * base's copy throughput with a plain copy of the same HFiles (read, write, nothing else), in the
 * same run.
 */
@Command(
    name = "base",
    mixinStandardHelpOptions = true,
    description =
        "Stored bytes of consecutive bases (file-level dedup, zstd) against naive full copies, and the copy throughput against a plain copy.")
final class BaseImageBenchCommand implements Callable<Integer> {

  static final double GOAL_DEDUP_RATIO = 10;
  private static final TableName TABLE = TableName.valueOf("bench", "reads");
  private static final byte[] FAMILY = Bytes.toBytes("d");

  @Option(names = "--bases", description = "Consecutive bases (default: ${DEFAULT-VALUE}).")
  int bases = 10;

  @Option(names = "--regions", description = "Regions of the table (default: ${DEFAULT-VALUE}).")
  int regions = 10;

  @Option(
      names = "--files-per-region",
      description = "Flushed HFiles per region before the first base (default: ${DEFAULT-VALUE}).")
  int filesPerRegion = 10;

  @Option(
      names = "--rows-per-file",
      description = "Rows per flushed HFile (default: ${DEFAULT-VALUE}).")
  int rowsPerFile = 2_000;

  @Option(names = "--threads", description = "Copy threads (default: ${DEFAULT-VALUE}).")
  int threads = 2;

  @Option(names = "--seed", description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-base-",
        (dir, report) -> {
          try (HBaseMiniCluster hbase =
                  HBaseMiniCluster.start(
                      dir.resolve("hbase"), 1, RewindConfig.of(Map.of()), false, Map.of());
              ObjectStore store =
                  ObjectStore.open(dir.resolve("store").toUri().toString(), Map.of())) {
            Connection connection = hbase.connection();
            Random random = new Random(seed);
            createTable(connection);
            for (int f = 0; f < filesPerRegion; f++) {
              for (int r = 0; r < regions; r++) {
                writeRows(connection, r, rowsPerFile, random);
              }
              flush(connection);
            }
            double plainMbPerSec = plainCopy(hbase, store);

            BaseImageTaker taker =
                new BaseImageTaker(
                    connection,
                    hbase.configuration(),
                    store,
                    BaseImageSettings.from(
                        RewindConfig.of(
                            Map.of(BaseImageSettings.COPY_THREADS, String.valueOf(threads)))));
            long naiveBytes = 0;
            long distinctBytes = 0;
            List<BaseImageReport> reports = new ArrayList<>();
            for (int b = 0; b < bases; b++) {
              if (b > 0) {
                // Read-heavy: between bases one region gets a flush's worth of new rows, about 1 %
                // of the HFiles.
                writeRows(connection, random.nextInt(regions), rowsPerFile, random);
                flush(connection);
              }
              BaseImageReport r = taker.take(TABLE.getNameAsString());
              reports.add(r);
              naiveBytes += r.bytes;
              distinctBytes += r.bytesCopied;
            }
            long storedBytes =
                store.listFiles(BaseImageStore.ROOT).stream().mapToLong(StoredObject::size).sum();
            BaseImageReport first = reports.get(0);
            report.put("bases", bases);
            report.put("naive_bytes", naiveBytes);
            report.put("stored_bytes", storedBytes);
            report.put("dedup_ratio", round(naiveBytes / (double) storedBytes));
            report.put("copy_mb_per_sec", round(first.copyMbPerSec));
            report.put("plain_copy_mb_per_sec", round(plainMbPerSec));
            report.put("copy_ratio", round(first.copyMbPerSec / plainMbPerSec));
            // Dedup alone (distinct HFile bytes, before compression), and what zstd adds on top.
            report.put("dedup_only_ratio", round(naiveBytes / (double) distinctBytes));
            report.put("compression_ratio", round(distinctBytes / (double) storedBytes));
            report.put("hfiles_first_base", first.files);
            report.put("hfiles_last_base", reports.get(reports.size() - 1).files);
            report.put(
                "hfiles_copied_after_first",
                reports.stream().skip(1).mapToInt(r -> r.filesCopied).sum());
            report.put("codec", BaseImageSettings.from(RewindConfig.of(Map.of())).codec());
            report.put("threads", threads);
            // The plain copy's writes, then every base.
            report.put(StoreRequestsField.NAME, store.requests());
          }
        },
        report ->
            String.format(
                "%d bases: %,d bytes stored against %,d for naive full copies: dedup ratio %.2f (goal >= %.0f; dedup alone %.2f,"
                    + " zstd %.2f); first base copied at %.1f MB/s, a plain copy at %.1f MB/s (ratio %.2f)",
                bases,
                Figures.whole(report.get("stored_bytes")),
                Figures.whole(report.get("naive_bytes")),
                Figures.real(report.get("dedup_ratio")),
                GOAL_DEDUP_RATIO,
                Figures.real(report.get("dedup_only_ratio")),
                Figures.real(report.get("compression_ratio")),
                Figures.real(report.get("copy_mb_per_sec")),
                Figures.real(report.get("plain_copy_mb_per_sec")),
                Figures.real(report.get("copy_ratio"))));
  }

  private void createTable(Connection connection) throws Exception {
    try (Admin admin = connection.getAdmin()) {
      admin.createNamespace(NamespaceDescriptor.create(TABLE.getNamespaceAsString()).build());
      byte[][] splits = new byte[regions - 1][];
      for (int i = 1; i < regions; i++) {
        splits[i - 1] = Bytes.toBytes(String.format("r%03d", i));
      }
      admin.createTable(
          TableDescriptorBuilder.newBuilder(TABLE)
              .setColumnFamily(ColumnFamilyDescriptorBuilder.of(FAMILY))
              // Only flushes make files here: the bench controls which HFiles change between bases.
              .setValue("hbase.hstore.compactionThreshold", "1000")
              .setValue("hbase.hstore.blockingStoreFiles", "10000")
              .build(),
          splits);
    }
  }

  /** Rows of one region: ids, a status, amounts and a text field, as an application table holds. */
  private static void writeRows(Connection connection, int region, int rows, Random random)
      throws Exception {
    String[] statuses = {"active", "pending", "closed", "suspended"};
    String[] words = {
      "order",
      "shipped",
      "invoice",
      "customer",
      "priority",
      "standard",
      "express",
      "warehouse",
      "returned",
      "paid"
    };
    try (BufferedMutator m = connection.getBufferedMutator(TABLE)) {
      for (int i = 0; i < rows; i++) {
        long id = random.nextLong() & Long.MAX_VALUE;
        StringBuilder note = new StringBuilder();
        for (int w = 0; w < 12; w++) {
          note.append(words[random.nextInt(words.length)]).append(' ');
        }
        String value =
            "{\"id\":"
                + id
                + ",\"status\":\""
                + statuses[random.nextInt(statuses.length)]
                + "\",\"amount\":"
                + random.nextInt(100_000) / 100.0
                + ",\"note\":\""
                + note.toString().trim()
                + "\"}";
        m.mutate(
            new Put(Bytes.toBytes(String.format("r%03d-%019d", region, id)))
                .addColumn(FAMILY, Bytes.toBytes("v"), Bytes.toBytes(value)));
      }
    }
  }

  private static void flush(Connection connection) throws Exception {
    try (Admin admin = connection.getAdmin()) {
      admin.flush(TABLE);
    }
  }

  /** The baseline: every HFile of the table read and written to the store as it is, timed. */
  private static double plainCopy(HBaseMiniCluster hbase, ObjectStore store) throws Exception {
    Configuration conf = hbase.configuration();
    Path tableDir = CommonFSUtils.getTableDir(CommonFSUtils.getRootDir(conf), TABLE);
    FileSystem fs = tableDir.getFileSystem(conf);
    long bytes = 0;
    long started = System.nanoTime();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(tableDir, true);
    int n = 0;
    byte[] buf = new byte[256 * 1024];
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      String name = f.getPath().getName();
      if (f.getPath().getParent().getName().equals("d") && !name.startsWith(".")) {
        try (InputStream in = fs.open(f.getPath());
            OutputStream o = store.create("plain-copy/" + (n++) + "-" + name)) {
          for (int r; (r = in.read(buf)) > 0; ) {
            o.write(buf, 0, r);
          }
        }
        bytes += f.getLen();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return bytes / 1e6 / seconds;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
