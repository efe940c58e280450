package io.rewind.tools;

import io.rewind.cli.RunOptions;
import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BaseImageStore;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.base.BulkLoadStore;
import io.rewind.client.base.FileCopier;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.DumpTarget;
import io.rewind.restore.Restore;
import io.rewind.restore.RestoreOptions;
import io.rewind.restore.RestoreReport;
import io.rewind.restore.SortSettings;
import io.rewind.schemas.Cell;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import io.rewind.store.catalog.CheckpointFile;
import io.rewind.store.dump.CellDump;
import io.rewind.testkit.archive.SyntheticArchive;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hbase.CellComparator;
import org.apache.hadoop.hbase.KeyValue;
import org.apache.hadoop.hbase.io.hfile.CacheConfig;
import org.apache.hadoop.hbase.io.hfile.HFile;
import org.apache.hadoop.hbase.io.hfile.HFileContextBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind bench bulkload}: what replaying a captured bulk load costs a restore, against
 * replaying the same cells as edits of the stream. {@link SyntheticArchive} writes {@code --cells}
 * puts into one store as edits; a second store holds the same cells as one captured bulk load (its
 * HFiles stored as the endpoint stores them, zstd, one per region of the bench table), beside the
 * first edit of the stream (a store needs an archived edit to be restorable). Each is restored into
 * cell dumps with the same sort memory, timed from listing the store to the last dump written; the
 * two dumps must be the same bytes. No Kafka, no HBase cluster.
 */
@Command(
    name = "bulkload",
    mixinStandardHelpOptions = true,
    description =
        "Restore into cell dumps: cells of a captured bulk load against the same cells as stream edits.")
final class BulkLoadBenchCommand implements Callable<Integer> {

  @Option(names = "--cells", description = "Cells restored each way (default: ${DEFAULT-VALUE}).")
  int cells = 1_000_000;

  @Mixin SyntheticRestoreOptions shape;

  @Option(
      names = "--rounds",
      description =
          "Times each restore runs, alternating; the best of each is reported (default: ${DEFAULT-VALUE}).")
  int rounds = 1;

  @Mixin RunOptions run;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run.runBench(
        spec.commandLine().getOut(),
        "rewind-bench-bulkload-",
        (dir, report) -> {
          SerdeFactory serdes = new SerdeFactory(null);
          List<WalEdit> edits = new ArrayList<>(cells);
          try (ObjectStore stream =
                  ObjectStore.open(dir.resolve("stream").toUri().toString(), Map.of());
              ObjectStore loaded =
                  ObjectStore.open(dir.resolve("bulkload").toUri().toString(), Map.of())) {
            SyntheticArchive.write(
                stream, serdes, shape.partitions, cells, shape.valueBytes, shape.seed, edits::add);
            long time = CheckpointFile.read(stream).orElseThrow().time;
            long first = edits.get(0).getWriteTime();
            SyntheticArchive.archive(loaded, serdes, shape.partitions, List.of(edits.get(0)));
            SyntheticArchive.describeAndCheckpoint(loaded, first, time);
            long storedBytes =
                storeBulkLoad(loaded, edits.subList(1, edits.size()), time, dir.resolve("hfiles"));
            edits.clear();
            report.put("cells", cells);
            shape.report(report);
            report.put("bulkload_stored_bytes", storedBytes);

            Path streamDump = dir.resolve("dump-stream");
            Path bulkDump = dir.resolve("dump-bulkload");
            for (int round = 0; round < rounds; round++) {
              // Every other round the other one first: each run meets the writeback of the dumps
              // before it.
              boolean bulkFirst = round % 2 == 1;
              if (bulkFirst) {
                timed(loaded, serdes, time, dir, bulkDump, report, "bulkload");
              }
              timed(stream, serdes, time, dir, streamDump, report, "stream");
              if (!bulkFirst) {
                timed(loaded, serdes, time, dir, bulkDump, report, "bulkload");
              }
            }
            report.put(
                "ratio",
                Math.round(
                        (double) report.get("bulkload_cells_per_sec")
                            / (double) report.get("stream_cells_per_sec")
                            * 1000)
                    / 1000.0);
            String file = CellDump.fileName(SyntheticArchive.TABLE);
            report.put(
                "dumps_identical",
                Files.mismatch(streamDump.resolve(file), bulkDump.resolve(file)) < 0);
          }
        },
        report ->
            String.format(
                "restore of %,d cells into dumps: %,.0f cells/s from a captured bulk load, %,.0f as stream edits (ratio"
                    + " %.2f, dumps identical: %s)",
                Figures.whole(report.get("cells")),
                Figures.real(report.get("bulkload_cells_per_sec")),
                Figures.real(report.get("stream_cells_per_sec")),
                Figures.real(report.get("ratio")),
                report.get("dumps_identical")));
  }

  /**
   * Writes the edits' cells as HFiles split at the bench table's regions, stores them as the
   * endpoint does and commits one bulk load at {@code time} per region; returns the bytes stored.
   */
  private long storeBulkLoad(ObjectStore store, List<WalEdit> edits, long time, Path scratch)
      throws Exception {
    List<KeyValue> kvs = new ArrayList<>(edits.size());
    for (WalEdit e : edits) {
      Cell c = e.getCells().get(0);
      kvs.add(
          new KeyValue(
              bytes(e.getRow()),
              bytes(c.getFamily()),
              bytes(c.getQualifier()),
              c.getTimestamp(),
              bytes(c.getValue())));
    }
    kvs.sort(CellComparator.getInstance());
    Configuration conf = new Configuration();
    FileSystem local = FileSystem.getLocal(conf).getRaw();
    Files.createDirectories(scratch);
    String[] starts = {"", "4", "8", "c"};
    long stored = 0;
    int from = 0;
    for (int region = 0; region < starts.length; region++) {
      String end = region + 1 < starts.length ? starts[region + 1] : null;
      int to = from;
      while (to < kvs.size() && (end == null || compareRow(kvs.get(to), end) < 0)) {
        to++;
      }
      if (to == from) {
        continue;
      }
      String name = "bench-region-" + region;
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(scratch.resolve(name).toUri());
      try (HFile.Writer w =
          HFile.getWriterFactory(conf, CacheConfig.DISABLED)
              .withPath(local, file)
              .withFileContext(new HFileContextBuilder().build())
              .create()) {
        for (KeyValue kv : kvs.subList(from, to)) {
          w.append(kv);
        }
      }
      BaseImageFile f;
      try (InputStream in = local.open(file)) {
        f =
            new FileCopier(store, new UploadThrottle(0), "zstd", null)
                .copy(in, name, BaseImageStore.fileKey(SyntheticArchive.TABLE, "f", name));
      }
      local.delete(file, false);
      f.family = "f";
      BulkLoadManifest load = new BulkLoadManifest();
      load.table = SyntheticArchive.TABLE;
      load.region = "bench" + region;
      load.sequenceId = edits.size() + 2L;
      load.writeTime = time;
      load.queueServer = "bench-rs";
      load.queueWalGroup = "g";
      load.editsPartitions = shape.partitions;
      load.files.add(f);
      new BulkLoadStore(store).commit(load);
      stored += f.storedBytes;
      from = to;
    }
    return stored;
  }

  private static int compareRow(KeyValue kv, String row) {
    byte[] r = row.getBytes(StandardCharsets.UTF_8);
    return Bytes.compareTo(kv.getRowArray(), kv.getRowOffset(), kv.getRowLength(), r, 0, r.length);
  }

  /**
   * Restores into dumps under {@code out}; keeps the best cells/s of the runs under {@code
   * <run>_cells_per_sec}.
   */
  private void timed(
      ObjectStore store,
      SerdeFactory serdes,
      long time,
      Path dir,
      Path out,
      Map<String, Object> report,
      String run)
      throws Exception {
    Restore restore =
        new Restore(store, serdes, "rewind.edits")
            .withSort(
                SortSettings.defaults()
                    .withMemoryBytes(shape.sortMemory)
                    .withSpillDirectory(dir.resolve("spill")));
    long started = System.nanoTime();
    RestoreReport r =
        restore.run(
            new RestoreOptions(time, List.of(), shape.parallelism, false),
            new DumpTarget(out, time, List.of()));
    double seconds = (System.nanoTime() - started) / 1e9;
    long restored = r.cellsPerTable.getOrDefault(SyntheticArchive.TABLE, 0L);
    if (restored != cells) {
      throw new IllegalStateException(
          "the " + run + " restore wrote " + restored + " cells, " + cells + " were archived");
    }
    report.merge(
        run + "_cells_per_sec",
        (double) Math.round(cells / seconds),
        (a, b) -> Math.max((double) a, (double) b));
    if (run.equals("bulkload")) {
      report.put("bulkload_files", r.bulkLoadFiles);
      report.put("sort_runs_spilled_bulkload", r.sortRunsSpilled);
    } else {
      report.put("sort_runs_spilled_stream", r.sortRunsSpilled);
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
