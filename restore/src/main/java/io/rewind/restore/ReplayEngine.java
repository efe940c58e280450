package io.rewind.restore;

import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.segment.KeyRing;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.hbase.client.Connection;

/**
 * Replays a planned restore somewhere other than in this process: the MapReduce job of {@code
 * rewind restore --engine mapreduce}. {@link Restore} plans, checks and loads the bases as for the
 * local replay, then hands the planned segments over; the engine writes the restored rows into the
 * target tables itself, with the same rules ({@link RecordFilter}, {@link SortedReplay}, {@link
 * TableTimeline.TableAtTime#replayRules()}, {@link BulkLoadCells}).
 */
public interface ReplayEngine {

  /** Its name in reports ({@code restoreEngine}). */
  String name();

  Replayed replay(Job job) throws IOException;

  /**
   * Makes the engine once the restore has connected to the target cluster ({@link
   * RestoreRequest#engine}): an engine writes into the tables of that connection.
   */
  interface Factory {

    /** The engine's name in reports, known before it is made (a dry run makes none). */
    String name();

    ReplayEngine create(Connection connection) throws IOException;
  }

  /**
   * What to replay.
   *
   * @param tables the tables asked for; empty for all
   * @param floor the earliest replay start of the restored tables: what a merged-away segment is
   *     re-planned from
   * @param bulkLoads the captured bulk loads replayed with the stream ({@link BulkLoadCells})
   * @param bulkLoadsPlanned their commit keys: a bulk-load record of the stream in range must name
   *     one
   * @param target the prepared HBase target tables
   */
  record Job(
      long time,
      Set<String> tables,
      Map<String, TableTimeline.TableAtTime> tablesAt,
      Map<Integer, List<RestorePlan.Step>> stepsByPartition,
      long floor,
      String editsTopic,
      KeyRing keys,
      long records,
      long bytes,
      List<BulkLoadManifest> bulkLoads,
      Set<String> bulkLoadsPlanned,
      HBaseTarget target) {}

  /** What the engine replayed, summed over its tasks. */
  record Replayed(
      long editsApplied,
      long duplicatesSkipped,
      long recordsAfterTime,
      long invalidRecords,
      int segmentsMergedAway,
      long bulkLoadFiles,
      long bulkLoadCells,
      Map<String, Long> cellsPerTable) {}
}
