package io.rewind.restore.mapreduce;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import io.rewind.client.base.BaseImageFile;
import io.rewind.client.base.BulkLoadManifest;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.time.TimeParser;
import io.rewind.restore.BulkLoadCells;
import io.rewind.restore.ReplayEngine;
import io.rewind.restore.RestorePlan;
import io.rewind.restore.RestoreRefusedException;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.store.segment.SegmentReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.RegionLocator;
import org.apache.hadoop.hbase.io.ImmutableBytesWritable;
import org.apache.hadoop.hbase.mapreduce.HFileOutputFormat2;
import org.apache.hadoop.hbase.mapreduce.MultiTableHFileOutputFormat;
import org.apache.hadoop.hbase.mapreduce.TableMapReduceUtil;
import org.apache.hadoop.hbase.tool.BulkLoadHFiles;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.mapreduce.Counter;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobCounter;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.partition.TotalOrderPartitioner;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rewind restore --engine mapreduce}: the replay as one MapReduce job on the YARN cluster
 * the Hadoop configuration names, in the spirit of HBase's WALPlayer with bulk output. Splits are
 * the planned segments ({@link SegmentInputFormat}); map tasks read and verify them and keep the
 * restore's edits; the shuffle sorts them by (row key, offset) and a total-order partitioner over
 * the target tables' region boundaries sends each region's rows to one reducer ({@link
 * RestoreReducer}), which replays them with the local engine's row semantics into HFiles
 * (HFileOutputFormat2, one directory per target table). Once the job has committed, the driver
 * bulk-loads each table's HFiles, after the bases {@code Restore} loaded before.
 *
 * <p>Exactness under retries and speculation: a task's output depends only on its input; a map
 * task's output counts only once the task succeeded (and so read its whole segment through the
 * checksum); a reducer's HFiles reach the output directory only through the output committer's
 * commit of one attempt. The output lives on the cluster's file system (HDFS): the file committer
 * renames, which HDFS does atomically, and the bulk load then moves the files into the regions. An
 * object store (s3a://) is refused as the job's directory.
 */
public final class MapReduceEngine implements ReplayEngine {

  private static final Logger LOG = LoggerFactory.getLogger(MapReduceEngine.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
  private static final long POLL_MS = 200;

  /** Rewind's setting: segment bytes one map task reads at most. */
  public static final String SPLIT_BYTES_SETTING = "restore.mapreduce.split.bytes";

  /** The settings of a restore with --engine mapreduce. */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              SPLIT_BYTES_SETTING,
              Type.LONG,
              SegmentInputFormat.DEFAULT_SPLIT_BYTES,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Segment bytes one map task of `rewind restore --engine mapreduce` reads at most (a larger segment is read"
                  + " alone).");

  /**
   * Offsets set aside per bulk-loaded file: more than the edits of any file (one per row, or per
   * MiB of a row).
   */
  private static final long FILE_OFFSETS = 1L << 36;

  /**
   * HFileOutputFormat2's settings (package-private there): its multi-table mode, its tables, and
   * each family's settings.
   */
  private static final String MULTI_TABLE = "hbase.mapreduce.use.multi.table.hfileoutputformat";

  private static final String TABLE_NAMES = "hbase.mapreduce.hfileoutputformat.table.name";
  private static final List<String> FAMILY_SETTINGS =
      List.of(
          "hbase.hfileoutputformat.families.compression",
          "hbase.hfileoutputformat.families.bloomtype",
          "hbase.hfileoutputformat.families.bloomparam",
          "hbase.mapreduce.hfileoutputformat.blocksize",
          "hbase.mapreduce.hfileoutputformat.families.datablock.encoding");

  private final Configuration hadoop;
  private final RewindConfig config;
  private final Connection connection;
  private final Path workRoot;
  private Class<? extends Mapper> mapper = Mapper.class;
  private Class<? extends RestoreReducer> reducer = RestoreReducer.class;
  private Stats stats;

  /**
   * @param hadoop the cluster's configuration (--hadoop-conf, HADOOP_CONF_DIR), with the target
   *     HBase's settings
   * @param config Rewind's settings, handed to the tasks (store, fs.* credentials, key ring file,
   *     registry)
   * @param connection the target cluster
   * @param workRoot where the job writes its HFiles, on the cluster's file system; null for /tmp
   *     there
   */
  public MapReduceEngine(
      Configuration hadoop, RewindConfig config, Connection connection, Path workRoot) {
    this.hadoop = hadoop;
    this.config = config;
    this.connection = connection;
    this.workRoot = workRoot;
  }

  /**
   * The YARN cluster's configuration, given the connection to the target cluster (whose HBase
   * settings it carries).
   */
  @FunctionalInterface
  public interface Cluster {
    Configuration configuration(Connection target) throws IOException;
  }

  /**
   * This engine as a {@link io.rewind.restore.RestoreRequest} takes it: made once the restore has
   * connected to its target.
   *
   * @param workRoot where the job writes its HFiles, on the cluster's file system; null for /tmp
   *     there
   */
  public static ReplayEngine.Factory factory(Cluster cluster, RewindConfig config, Path workRoot) {
    return new ReplayEngine.Factory() {
      @Override
      public String name() {
        return "mapreduce";
      }

      @Override
      public ReplayEngine create(Connection connection) throws IOException {
        return new MapReduceEngine(cluster.configuration(connection), config, connection, workRoot);
      }
    };
  }

  /** The job's task classes: tests inject failures with subclasses that fail an attempt. */
  public MapReduceEngine withTasks(
      Class<? extends Mapper> mapper, Class<? extends RestoreReducer> reducer) {
    this.mapper = mapper;
    this.reducer = reducer;
    return this;
  }

  /** restore.mapreduce.split.bytes; ConfigDef refuses a value that is not a positive number. */
  private long splitBytes() {
    return config.parse(CONFIG).getLong(SPLIT_BYTES_SETTING);
  }

  @Override
  public String name() {
    return "mapreduce";
  }

  /** The last job's figures: tasks and how long the job took beside its tasks' work. */
  public Stats stats() {
    return stats;
  }

  /**
   * The last job: its map and reduce tasks, the attempts that failed and were retried, its wall
   * time, the time from submission to its first task's start, and the bulk load of its output.
   */
  public record Stats(
      String jobId,
      int mapTasks,
      int reduceTasks,
      long failedMapAttempts,
      long failedReduceAttempts,
      long jobMs,
      long overheadMs,
      long loadMs) {}

  @Override
  public Replayed replay(ReplayEngine.Job plan) throws IOException {
    Map<String, String> targets = new TreeMap<>(plan.target().mapping().targets());
    Map<String, Map<String, FamilyDescriptor>> families = new TreeMap<>();
    targets.keySet().forEach(t -> families.put(t, plan.target().families(t)));
    Path root = workRoot != null ? workRoot : new Path("/tmp");
    FileSystem fs = root.getFileSystem(hadoop);
    if (fs.getScheme().startsWith("s3")) {
      throw new RestoreRefusedException(
          "--bulkload-dir "
              + root
              + " is on an object store: the MapReduce engine writes its HFiles"
              + " on the cluster's file system, where committing them is an atomic rename and loading them a move; pass an hdfs:// directory");
    }
    Path work = fs.makeQualified(new Path(root, "rewind-restore-" + UUID.randomUUID()));
    java.nio.file.Path planFile = Files.createTempFile("rewind-restore-plan", ".json");
    try {
      List<SegmentInputFormat.PlannedSegment> segments = new ArrayList<>();
      for (List<RestorePlan.Step> steps : plan.stepsByPartition().values()) {
        steps.forEach(
            s -> segments.add(new SegmentInputFormat.PlannedSegment(s.manifest(), s.fromOffset())));
      }
      List<SegmentInputFormat.PlannedFile> files = plannedFiles(plan);
      SegmentInputFormat.writePlan(planFile, new SegmentInputFormat.Plan(segments, files));
      Configuration conf = new Configuration(hadoop);
      JobSettings.write(
          conf,
          config,
          plan.time(),
          plan.floor(),
          plan.tables(),
          plan.editsTopic(),
          plan.tablesAt(),
          targets,
          families,
          plan.bulkLoadsPlanned());
      conf.set(JobSettings.PLAN_FILE, planFile.toString());
      conf.setLong(SegmentInputFormat.SPLIT_BYTES, splitBytes());
      org.apache.hadoop.mapreduce.Job job =
          org.apache.hadoop.mapreduce.Job.getInstance(
              conf,
              "rewind restore to "
                  + TimeParser.format(plan.time())
                  + " ("
                  + segments.size()
                  + " segments, "
                  + files.size()
                  + " bulk-loaded files)");
      job.setJarByClass(RestoreReducer.class);
      int regions = configureOutput(job, targets, work);
      job.setInputFormatClass(SegmentInputFormat.class);
      job.setMapperClass(mapper);
      job.setMapOutputKeyClass(RowEditKey.class);
      job.setMapOutputValueClass(BytesWritable.class);
      job.setSortComparatorClass(RowEditKey.Comparator.class);
      job.setGroupingComparatorClass(RowEditKey.RowComparator.class);
      job.setReducerClass(reducer);
      job.setNumReduceTasks(regions);
      Path output = new Path(work, "hfiles");
      FileOutputFormat.setOutputPath(job, output);
      if (segments.isEmpty() && files.isEmpty()) {
        stats = new Stats(null, 0, 0, 0, 0, 0, 0, 0);
        return new Replayed(0, 0, 0, 0, 0, 0, 0, zeroCells(targets));
      }
      Counters counters = run(job, regions);
      Replayed replayed = replayed(counters, targets);
      long loadStarted = System.currentTimeMillis();
      load(output, targets);
      stats =
          new Stats(
              stats.jobId(),
              stats.mapTasks(),
              stats.reduceTasks(),
              stats.failedMapAttempts(),
              stats.failedReduceAttempts(),
              stats.jobMs(),
              stats.overheadMs(),
              System.currentTimeMillis() - loadStarted);
      return replayed;
    } finally {
      Files.deleteIfExists(planFile);
      try {
        fs.delete(work, true);
      } catch (IOException e) {
        LOG.warn(
            "could not delete the restore job's directory {} ({}): delete it by hand",
            work,
            e.toString());
      }
    }
  }

  /**
   * The files of the bulk loads replayed, each its own split, their offsets in the order the local
   * engine gives them (load after load, file after file) and far enough apart for any file's edits.
   */
  private static List<SegmentInputFormat.PlannedFile> plannedFiles(ReplayEngine.Job plan)
      throws IOException {
    List<SegmentInputFormat.PlannedFile> files = new ArrayList<>();
    long next = BulkLoadCells.FIRST_OFFSET;
    for (BulkLoadManifest load : plan.bulkLoads()) {
      List<BaseImageFile> replayed =
          BulkLoadCells.replayedFiles(load, plan.tablesAt().get(load.table));
      for (int i = 0; i < load.files.size(); i++) {
        if (replayed.contains(load.files.get(i))) {
          files.add(new SegmentInputFormat.PlannedFile(load, i, next));
          next += FILE_OFFSETS;
        }
      }
    }
    return files;
  }

  /**
   * HFileOutputFormat2 for every target table, one directory each (MultiTableHFileOutputFormat: the
   * families' compression, block size, bloom and encoding as HFileOutputFormat2 configures them per
   * table), then the shuffle's own total order: split points at each target region's start, keyed
   * as the map output is ({@code source table 0x00 start key}, before any offset).
   *
   * @return the number of target regions: one reducer each
   */
  private int configureOutput(
      org.apache.hadoop.mapreduce.Job job, Map<String, String> targets, Path work)
      throws IOException {
    List<RowEditKey> splitPoints = new ArrayList<>();
    Map<String, List<String>> familySettings = new TreeMap<>();
    try (Admin admin = connection.getAdmin()) {
      for (Map.Entry<String, String> e : targets.entrySet()) {
        TableName target = TableName.valueOf(e.getValue());
        // The per-table configuration HBase writes, gathered for all tables (its multi-table entry
        // point is not public).
        org.apache.hadoop.mapreduce.Job scratch =
            org.apache.hadoop.mapreduce.Job.getInstance(new Configuration(job.getConfiguration()));
        HFileOutputFormat2.configureIncrementalLoadMap(scratch, admin.getDescriptor(target));
        for (String key : FAMILY_SETTINGS) {
          String v = scratch.getConfiguration().get(key, "");
          if (!v.isEmpty()) {
            familySettings.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
          }
        }
        byte[] table = Bytes.toBytes(e.getKey());
        try (RegionLocator locator = connection.getRegionLocator(target)) {
          for (byte[] start : locator.getStartKeys()) {
            splitPoints.add(
                new RowEditKey(Bytes.add(table, new byte[] {0}, start), Long.MIN_VALUE));
          }
        }
      }
    }
    Configuration conf = job.getConfiguration();
    job.setOutputFormatClass(MultiTableHFileOutputFormat.class);
    job.setOutputKeyClass(ImmutableBytesWritable.class);
    job.setOutputValueClass(Cell.class);
    conf.setBoolean(MULTI_TABLE, true);
    conf.set(TABLE_NAMES, String.join(";", new TreeSet<>(targets.values())));
    familySettings.forEach((k, v) -> conf.set(k, String.join("&", v)));
    TableMapReduceUtil.addDependencyJars(job);
    // Rewind's jars and the libraries its tasks load beside HBase's (which the line above ships):
    // the cluster need not have them.
    TableMapReduceUtil.addDependencyJarsForClasses(
        conf,
        RestoreReducer.class,
        RestorePlan.class,
        RewindConfig.class,
        SegmentReader.class,
        WalEdit.class,
        Schema.class,
        Zstd.class,
        Deserializer.class,
        ObjectMapper.class,
        JsonFactory.class,
        JsonProperty.class);
    TableMapReduceUtil.initCredentials(job);
    splitPoints.sort(RowEditKey::compareTo);
    // No row sorts before the first table's first region: its start is no split point.
    splitPoints.remove(0);
    Path partitions = new Path(work, "partitions");
    try (SequenceFile.Writer w =
        SequenceFile.createWriter(
            conf,
            SequenceFile.Writer.file(partitions),
            SequenceFile.Writer.keyClass(RowEditKey.class),
            SequenceFile.Writer.valueClass(NullWritable.class))) {
      for (RowEditKey k : splitPoints) {
        w.append(k, NullWritable.get());
      }
    }
    job.setPartitionerClass(TotalOrderPartitioner.class);
    TotalOrderPartitioner.setPartitionFile(conf, partitions);
    return splitPoints.size() + 1;
  }

  /** Submits the job and reports its progress until it ends; refuses to go on when it failed. */
  private Counters run(org.apache.hadoop.mapreduce.Job job, int reduces) throws IOException {
    long submitted = System.currentTimeMillis();
    try {
      job.submit();
      LOG.info(
          "restore job {} submitted: map tasks read planned segments up to {} bytes each, or a bulk-loaded file; {} reduce"
              + " tasks (one per target region); tracking {}",
          job.getJobID(),
          job.getConfiguration().get(SegmentInputFormat.SPLIT_BYTES),
          reduces,
          job.getTrackingURL());
      long nextLog = System.currentTimeMillis() + PROGRESS_EVERY.toMillis();
      while (!job.isComplete()) {
        Thread.sleep(POLL_MS);
        if (System.currentTimeMillis() >= nextLog) {
          nextLog += PROGRESS_EVERY.toMillis();
          Counter read = job.getCounters().findCounter(RestoreCounters.RECORDS_READ);
          LOG.info(
              "restore job {}: map {}%, reduce {}%, {} records read",
              job.getJobID(),
              Math.round(job.mapProgress() * 100),
              Math.round(job.reduceProgress() * 100),
              read.getValue());
        }
      }
    } catch (ClassNotFoundException e) {
      throw new IOException(
          "the restore job's classes are not on this classpath: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killQuietly(job);
      throw new InterruptedIOException(
          "restore interrupted: the job " + job.getJobID() + " was killed");
    }
    long ended = System.currentTimeMillis();
    if (!job.isSuccessful()) {
      String why;
      try {
        why = job.getStatus().getFailureInfo();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        why = "unknown";
      }
      throw new IOException(
          "the restore job "
              + job.getJobID()
              + " failed: "
              + why
              + ". Nothing of it was loaded into the target"
              + " tables (their bases may be): see the task logs (yarn logs -applicationId <id>), fix the cause and restore again with --force");
    }
    long firstTaskStart = Long.MAX_VALUE;
    int maps = 0;
    try {
      for (TaskReport r : job.getTaskReports(TaskType.MAP)) {
        maps++;
        if (r.getStartTime() > 0) {
          firstTaskStart = Math.min(firstTaskStart, r.getStartTime());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long overhead = firstTaskStart == Long.MAX_VALUE ? 0 : Math.max(0, firstTaskStart - submitted);
    Counters counters = job.getCounters();
    long failedMaps = counters.findCounter(JobCounter.NUM_FAILED_MAPS).getValue();
    long failedReduces = counters.findCounter(JobCounter.NUM_FAILED_REDUCES).getValue();
    stats =
        new Stats(
            job.getJobID().toString(),
            maps,
            reduces,
            failedMaps,
            failedReduces,
            ended - submitted,
            overhead,
            0);
    LOG.info(
        "restore job {} done in {} ms ({} ms before its first task started; {} map and {} reduce attempts failed and were retried)",
        job.getJobID(),
        ended - submitted,
        overhead,
        failedMaps,
        failedReduces);
    return counters;
  }

  private static void killQuietly(org.apache.hadoop.mapreduce.Job job) {
    try {
      job.killJob();
    } catch (IOException e) {
      LOG.warn(
          "could not kill the restore job {} ({}): kill it with mapred job -kill",
          job.getJobID(),
          e.toString());
    }
  }

  private static Replayed replayed(Counters c, Map<String, String> targets) {
    Map<String, Long> cells = zeroCells(targets);
    for (Counter counter : c.getGroup(RestoreCounters.CELLS_GROUP)) {
      cells.put(counter.getName(), counter.getValue());
    }
    return new Replayed(
        c.findCounter(RestoreCounters.EDITS_APPLIED).getValue(),
        c.findCounter(RestoreCounters.DUPLICATES_SKIPPED).getValue(),
        c.findCounter(RestoreCounters.RECORDS_AFTER_TIME).getValue(),
        c.findCounter(RestoreCounters.INVALID_RECORDS).getValue(),
        (int) c.findCounter(RestoreCounters.SEGMENTS_MERGED_AWAY).getValue(),
        c.findCounter(RestoreCounters.BULK_LOAD_FILES).getValue(),
        c.findCounter(RestoreCounters.BULK_LOAD_CELLS).getValue(),
        cells);
  }

  private static Map<String, Long> zeroCells(Map<String, String> targets) {
    Map<String, Long> cells = new TreeMap<>();
    targets.keySet().forEach(t -> cells.put(t, 0L));
    return cells;
  }

  /**
   * Bulk-loads each target table's HFiles (output/ns/table/family/…): each file lies in one region,
   * as partitioned.
   */
  private void load(Path output, Map<String, String> targets) throws IOException {
    FileSystem fs = output.getFileSystem(hadoop);
    Configuration load = new Configuration(connection.getConfiguration());
    load.setInt(BulkLoadHFiles.MAX_FILES_PER_REGION_PER_FAMILY, Integer.MAX_VALUE);
    for (String target : new TreeSet<>(targets.values())) {
      TableName name = TableName.valueOf(target);
      Path dir =
          new Path(new Path(output, name.getNamespaceAsString()), name.getQualifierAsString());
      if (!fs.exists(dir)) {
        continue;
      }
      try {
        BulkLoadHFiles.create(load).bulkLoad(name, dir);
      } catch (IOException e) {
        throw new IOException(
            "bulk-loading the restore job's HFiles into "
                + target
                + " failed: "
                + e.getMessage()
                + ". The target table is incomplete: fix the cause and restore again with --force",
            e);
      }
    }
  }
}
