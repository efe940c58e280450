package io.rewind.restore;

import io.rewind.core.segment.SegmentKey;
import io.rewind.core.store.CheckpointFile;
import io.rewind.core.store.Manifest;
import io.rewind.core.store.ManifestStore;
import io.rewind.core.store.ObjectStore;
import io.rewind.core.store.TableDescriptorFile;
import io.rewind.core.time.TimeParser;
import io.rewind.schemas.TableDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.schemas.serde.SerdeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore to T from the object store alone: the checkpoint, the manifests and the segments. Reads
 * no Kafka and no source cluster, so it works after both are gone.
 */
public final class Restore {

  private static final Logger LOG = LoggerFactory.getLogger(Restore.class);

  private final ObjectStore store;
  private final SerdeFactory serdes;
  private final String editsTopic;
  private SegmentKey segmentKey;
  private RestoreProgress progress = RestoreProgress.none();

  public Restore(ObjectStore store, SerdeFactory serdes, String editsTopic) {
    this.store = store;
    this.serdes = serdes;
    this.editsTopic = editsTopic;
  }

  /** The key that opens client-side encrypted segments (segment.encryption.*); null when none. */
  public Restore withSegmentKey(SegmentKey key) {
    this.segmentKey = key;
    return this;
  }

  /** Where the replay reports records and bytes read; none by default. */
  public Restore withProgress(RestoreProgress progress) {
    this.progress = progress;
    return this;
  }

  /** Every committed manifest per partition. */
  public Map<Integer, List<Manifest>> manifests() throws IOException {
    ManifestStore manifests = new ManifestStore(store);
    Map<Integer, List<Manifest>> byPartition = new LinkedHashMap<>();
    for (int p : manifests.partitions()) {
      byPartition.put(p, manifests.list(p));
    }
    return byPartition;
  }

  /** The restorable range; refuses when the store has no checkpoint or nothing archived. */
  public RestorableRange range(Map<Integer, List<Manifest>> manifests) throws IOException {
    CheckpointFile.Stored checkpoint =
        CheckpointFile.read(store)
            .orElseThrow(
                () -> new RestoreRefusedException(
                    "the store " + store + " has no checkpoint (checkpoints/latest.json): either it is not a Rewind store"
                        + " (check --store) or the checkpoint app has not published yet (run `rewind checkpoint`)"));
    long earliest =
        RestorePlanner.earliestWriteTime(manifests)
            .orElseThrow(
                () -> new RestoreRefusedException(
                    "the store " + store + " holds no archived edits yet: run `rewind archive` and wait for a segment"));
    return new RestorableRange(earliest, checkpoint.time);
  }

  public RestoreReport run(RestoreOptions options, RestoreTarget target) throws IOException {
    long started = System.currentTimeMillis();
    Map<Integer, List<Manifest>> manifests = manifests();
    RestorableRange range = range(manifests);
    range.check(options.time());
    RestorePlan plan = RestorePlanner.plan(manifests, options.time());
    Set<String> tables = new TreeSet<>(options.tables());
    checkTablesKnown(tables, manifests);

    RestoreReport report = new RestoreReport();
    report.time = options.time();
    report.timeIso = TimeParser.format(options.time());
    report.checkpoint = range.checkpoint();
    report.checkpointIso = TimeParser.format(range.checkpoint());
    report.earliest = range.earliest();
    report.earliestIso = TimeParser.format(range.earliest());
    report.dryRun = options.dryRun();
    report.segments = plan.segments();
    report.bytes = plan.bytes();
    report.recordsPlanned = plan.records();
    report.tables = new ArrayList<>(tables.isEmpty() ? plan.tables() : tables);
    report.coversFromIso = plan.firstWriteTime() == null ? null : TimeParser.format(plan.firstWriteTime());
    report.coversToIso = plan.lastWriteTime() == null ? null : TimeParser.format(plan.lastWriteTime());
    report.parallelism = options.parallelism();
    report.estimatedDurationMs = RestoreEstimate.durationMs(plan.records(), plan.stepsByPartition().size(), options.parallelism());
    report.estimateAssumption = RestoreEstimate.assumption();
    plan.stepsByPartition().values().forEach(steps -> steps.forEach(s -> report.invalidRecordsArchived += s.manifest().invalidRecords));
    if (report.invalidRecordsArchived > 0) {
      LOG.warn("{} records in the planned segments failed validation when they were archived (missing headers or an"
          + " unknown schema id); copies with the reason are in the dlq topic; each one that cannot be decoded is named"
          + " below by segment and offset and skipped", report.invalidRecordsArchived);
    }
    LOG.info("restore to {}: {} segments, {} bytes, up to {} records, tables {}",
        report.timeIso, plan.segments(), plan.bytes(), plan.records(), tables.isEmpty() ? plan.tables() : tables);
    if (options.dryRun()) {
      report.durationMs = System.currentTimeMillis() - started;
      return report;
    }

    List<PartitionReplayer> replayers = new ArrayList<>();
    progress.start(plan.records(), plan.bytes());
    ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), r -> {
      Thread t = new Thread(r, "rewind-restore");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Map.Entry<Integer, List<RestorePlan.Step>> partition : plan.stepsByPartition().entrySet()) {
        PartitionReplayer replayer =
            new PartitionReplayer(store, serdes.deserializer(WalEdit.class), options.time(), tables, target, segmentKey, progress);
        replayers.add(replayer);
        futures.add(pool.submit(() -> {
          replayer.replay(partition.getValue(), editsTopic);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("restore interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new UncheckedIOException(new IOException(cause));
    } finally {
      pool.shutdownNow();
      progress.close();
    }
    for (PartitionReplayer r : replayers) {
      report.editsApplied += r.editsApplied;
      report.duplicatesSkipped += r.duplicatesSkipped;
      report.recordsAfterTime += r.recordsAfterTime;
      report.invalidRecords += r.invalidRecords;
    }
    report.cellsPerTable.putAll(target.finish());
    report.durationMs = System.currentTimeMillis() - started;
    return report;
  }

  /** The archived descriptor of every table the store knows ({@code tables/}), by table name. */
  public Map<String, TableDescriptor> descriptors() throws IOException {
    Map<String, TableDescriptor> byTable = new java.util.TreeMap<>();
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      byTable.put(d.getTable(), d);
    }
    return byTable;
  }

  /** Tables to expect in the output: those asked for, else every table the store knows. */
  public Set<String> knownTables(Map<Integer, List<Manifest>> manifests) throws IOException {
    Set<String> known = new TreeSet<>();
    for (TableDescriptor d : TableDescriptorFile.readAll(store)) {
      known.add(d.getTable());
    }
    manifests.values().forEach(ms -> ms.forEach(m -> m.tables.keySet().stream().filter(t -> !t.isEmpty()).forEach(known::add)));
    return known;
  }

  /**
   * Refuses tables the store has no backup of, naming those it has; call before preparing a
   * target ({@link #run} checks again).
   */
  public void checkTablesKnown(java.util.Collection<String> requested, Map<Integer, List<Manifest>> manifests) throws IOException {
    if (requested.isEmpty()) {
      return;
    }
    Set<String> known = knownTables(manifests);
    List<String> unknown = new ArrayList<>();
    for (String t : requested) {
      if (!known.contains(t)) {
        unknown.add(t);
      }
    }
    if (!unknown.isEmpty()) {
      throw new RestoreRefusedException(
          "unknown table" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + ": the store " + store
              + " has no backup of " + (unknown.size() > 1 ? "them" : "it") + ". Tables backed up: "
              + (known.isEmpty() ? "none" : String.join(", ", known))
              + " (names are namespace:qualifier, e.g. default:orders)");
    }
  }
}
