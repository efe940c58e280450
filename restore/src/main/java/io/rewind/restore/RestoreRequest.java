package io.rewind.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.hbase.client.Connection;

/**
 * What an operator asks of a restore ({@code rewind restore}, the demo, a restore test): a value,
 * built with {@link #builder}, that {@link Restorer#restore} carries out. It is checked whole when
 * built, so a request that names no target or cannot run refuses before anything is read.
 *
 * @param when the time restored to: a time, the checkpoint, or a named restore point
 * @param tables the tables restored (namespace:qualifier); empty for every table the store knows,
 *     or, with a restore point, the point's tables
 * @param target where the rows go; null only for a dry run
 * @param parallelism partitions replayed at once
 * @param dryRun plan and count only; write nothing
 * @param verify read every target back and compare its cells per table with the replay's count
 * @param spillDir where the sorts spill, instead of {@code restore.spill.dir}; null for the setting
 * @param engine replays somewhere other than this process (the MapReduce job); null for this
 *     process
 */
public record RestoreRequest(
    When when,
    List<String> tables,
    Target target,
    int parallelism,
    boolean dryRun,
    boolean verify,
    Path spillDir,
    ReplayEngine.Factory engine) {

  public RestoreRequest {
    if (when == null) {
      throw new RestoreRefusedException(
          "a restore needs a time: pass --to T, --latest or --to-point NAME");
    }
    tables = List.copyOf(tables);
    if (target == null && !dryRun) {
      throw new RestoreRefusedException(
          "no target: pass --out <dir> for cell dumps, --hbase-zk <quorum> (or --hbase-site <file>)"
              + " for HBase tables, or --dry-run to see the plan");
    }
    if (engine != null && target instanceof Target.Dumps) {
      throw new RestoreRefusedException(
          "--engine mapreduce writes HFiles into HBase tables: pass --hbase-zk or --hbase-site instead of"
              + " --out, or restore into cell dumps with --engine local");
    }
    if (parallelism < 1) {
      throw new RestoreRefusedException(
          "--parallelism "
              + parallelism
              + " replays nothing: give at least 1 (default: the number of cores)");
    }
  }

  /**
   * A request to restore to {@code when}, every table, into no target yet, with one partition
   * replayed per core.
   */
  public static Builder builder(When when) {
    return new Builder(when);
  }

  /** This request as a builder, to change some of it. */
  public Builder toBuilder() {
    return new Builder(when)
        .tables(tables)
        .target(target)
        .parallelism(parallelism)
        .dryRun(dryRun)
        .verify(verify)
        .spillDir(spillDir)
        .engine(engine);
  }

  /** Where the replay runs, as reports name it ({@code restoreEngine}). */
  public String engineName() {
    return engine == null ? "local" : engine.name();
  }

  /** The time a restore goes to. */
  public sealed interface When {

    /** A time the caller resolved. */
    record At(long epochMillis, String interpretation) implements When {}

    /** The store's checkpoint, read once: T and the report's checkpoint are the same value. */
    record Latest() implements When {}

    /**
     * A named restore point ({@code rewind restore-point}): its time, and its tables unless some
     * are asked for.
     */
    record Point(String name) implements When {}

    /**
     * @param interpretation how the input was read, for the report; null when there was no input to
     *     read
     */
    static When at(long epochMillis, String interpretation) {
      return new At(epochMillis, interpretation);
    }

    static When at(long epochMillis) {
      return new At(epochMillis, null);
    }

    static When latest() {
      return new Latest();
    }

    static When point(String name) {
      return new Point(name);
    }
  }

  /** Where the restored rows go. */
  public sealed interface Target {

    /** Cell dumps, one file per table, in {@code directory} (docs/dump-format.md). */
    record Dumps(Path directory) implements Target {}

    /**
     * HBase tables.
     *
     * @param connection opens the connection to the target cluster once the range is checked
     * @param ownsConnection whether the restore closes that connection when done
     * @param map {@code source=target} pairs ({@code --map}); the other tables go to {@link
     *     TableMapping}'s defaults
     * @param bulkLoad write HFiles per region and bulk-load them rather than put rows
     * @param bulkLoadDir where the HFiles (and the bases' files) are staged, readable by the region
     *     servers; null for a temporary local directory
     * @param force write into target tables that already hold cells
     */
    record HBase(
        Connector connection,
        boolean ownsConnection,
        List<String> map,
        boolean bulkLoad,
        String bulkLoadDir,
        boolean force)
        implements Target {

      public HBase {
        map = List.copyOf(map);
      }

      /**
       * Into the cluster {@code connector} connects to, closing the connection when done; puts,
       * default table names.
       */
      public static HBase connecting(Connector connector) {
        return new HBase(connector, true, List.of(), false, null, false);
      }

      /** Through a connection the caller keeps open (and closes); puts, default table names. */
      public static HBase through(Connection connection) {
        return new HBase(() -> connection, false, List.of(), false, null, false);
      }

      public HBase withMap(List<String> pairs) {
        return new HBase(connection, ownsConnection, pairs, bulkLoad, bulkLoadDir, force);
      }

      public HBase withBulkLoad(boolean bulk, String dir) {
        return new HBase(connection, ownsConnection, map, bulk, dir, force);
      }

      public HBase withForce(boolean overwrite) {
        return new HBase(connection, ownsConnection, map, bulkLoad, bulkLoadDir, overwrite);
      }
    }

    /** Opens a connection to the target cluster. */
    @FunctionalInterface
    interface Connector {
      Connection connect() throws IOException;
    }
  }

  /** Collects a request's parts; {@link #build} checks them together. */
  public static final class Builder {
    private final When when;
    private List<String> tables = List.of();
    private Target target;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private boolean dryRun;
    private boolean verify;
    private Path spillDir;
    private ReplayEngine.Factory engine;

    private Builder(When when) {
      this.when = when;
    }

    public Builder tables(List<String> names) {
      this.tables = names;
      return this;
    }

    public Builder target(Target where) {
      this.target = where;
      return this;
    }

    public Builder parallelism(int partitions) {
      this.parallelism = partitions;
      return this;
    }

    public Builder dryRun(boolean planOnly) {
      this.dryRun = planOnly;
      return this;
    }

    public Builder verify(boolean readBack) {
      this.verify = readBack;
      return this;
    }

    public Builder spillDir(Path dir) {
      this.spillDir = dir;
      return this;
    }

    public Builder engine(ReplayEngine.Factory factory) {
      this.engine = factory;
      return this;
    }

    public RestoreRequest build() {
      return new RestoreRequest(
          when, tables, target, parallelism, dryRun, verify, spillDir, engine);
    }
  }
}
