package io.rewind.base.mapreduce;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import io.rewind.base.BaseImageCopyEngine;
import io.rewind.client.base.BaseImageFile;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.schemas.WalEdit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hbase.mapreduce.TableMapReduceUtil;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rewind base --engine mapreduce}: the HFile copy of a base as a map-only job on the YARN
 * cluster the Hadoop configuration names, in the spirit of HBase's ExportSnapshot. {@link
 * io.rewind.base.BaseImageTaker} snapshots, plans (source checksums, dedup against the stored
 * files), writes the intent and commits as for the local copy; this job only copies the files to
 * copy, in groups of about equal bytes, one map task each ({@link FileGroupInputFormat}), each
 * under its own bandwidth cap, so a large table's base copies from many hosts at once.
 *
 * <p>Every file goes to its final key (never renamed), compressed, sealed and checksummed as it
 * streams; the entries the base commits come only from the job's committed output (one attempt per
 * task). A failed attempt's partial object is overwritten by the retry before anything names it.
 * Speculative execution is off: two attempts writing one key at once would leave whichever closed
 * last, which need not be the one committed.
 */
public final class MapReduceBaseCopy implements BaseImageCopyEngine {

  static final String PREFIX = "rewind.base.mapreduce.";
  static final String CONFIG = PREFIX + "config.";
  private static final Logger LOG = LoggerFactory.getLogger(MapReduceBaseCopy.class);

  /** The job's counters. */
  enum Counters {
    FILES_COPIED,
    BYTES_COPIED
  }

  private final Configuration hadoop;
  private final RewindConfig config;
  private final int tasks;
  private final long taskBytesPerSecond;
  private final Path workRoot;

  /**
   * @param hadoop the YARN cluster's configuration over HBase's (hbase.rootdir: where the tasks
   *     read the HFiles)
   * @param config Rewind's settings for the tasks (the store, its credentials, base.codec, the key
   *     ring file)
   * @param tasks map tasks at most (each copies a group of files)
   * @param taskBytesPerSecond each task's upload cap; 0 for none
   * @param workRoot where the job's output goes, on the cluster's file system; null for /tmp there
   */
  public MapReduceBaseCopy(
      Configuration hadoop,
      RewindConfig config,
      int tasks,
      long taskBytesPerSecond,
      Path workRoot) {
    this.hadoop = hadoop;
    this.config = config;
    this.tasks = tasks;
    this.taskBytesPerSecond = taskBytesPerSecond;
    this.workRoot = workRoot;
  }

  @Override
  public List<BaseImageFile> copy(String table, List<BaseImageFile> planned, List<Source> sources)
      throws IOException {
    List<BaseImageFile> result = new ArrayList<>(planned);
    List<PlannedCopy> copies = new ArrayList<>();
    try (ObjectStore store = ObjectStore.open(config)) {
      for (int i = 0; i < planned.size(); i++) {
        BaseImageFile entry = planned.get(i);
        boolean reused =
            entry.sha256 != null
                && store.exists(entry.key)
                && store.size(entry.key) == entry.storedBytes;
        if (!reused) {
          copies.add(new PlannedCopy(i, entry, sources.get(i)));
        }
      }
    }
    if (copies.isEmpty()) {
      return result;
    }
    Path root = workRoot != null ? workRoot : new Path("/tmp");
    FileSystem fs = root.getFileSystem(hadoop);
    Path work = fs.makeQualified(new Path(root, "rewind-base-" + UUID.randomUUID()));
    java.nio.file.Path planFile = Files.createTempFile("rewind-base-plan", ".json");
    try {
      FileGroupInputFormat.writePlan(planFile, copies);
      Configuration conf = new Configuration(hadoop);
      config.asMap().forEach((k, v) -> conf.set(CONFIG + k, v));
      conf.set(FileGroupInputFormat.PLAN_FILE, planFile.toString());
      conf.setInt(FileGroupInputFormat.TASKS, tasks);
      conf.setLong(CopyMapper.BYTES_PER_SEC, taskBytesPerSecond);
      conf.setBoolean("mapreduce.map.speculative", false);
      Job job =
          Job.getInstance(conf, "rewind base of " + table + " (" + copies.size() + " HFiles)");
      job.setJarByClass(CopyMapper.class);
      job.setInputFormatClass(FileGroupInputFormat.class);
      job.setMapperClass(CopyMapper.class);
      job.setNumReduceTasks(0);
      job.setOutputKeyClass(IntWritable.class);
      job.setOutputValueClass(Text.class);
      job.setOutputFormatClass(SequenceFileOutputFormat.class);
      Path output = new Path(work, "entries");
      FileOutputFormat.setOutputPath(job, output);
      TableMapReduceUtil.addDependencyJars(job);
      // Rewind's jars and the libraries its tasks load beside HBase's: the cluster need not have
      // them.
      TableMapReduceUtil.addDependencyJarsForClasses(
          job.getConfiguration(),
          CopyMapper.class,
          BaseImageCopyEngine.class,
          RewindConfig.class,
          WalEdit.class,
          Schema.class,
          Zstd.class,
          ObjectMapper.class,
          JsonFactory.class,
          JsonProperty.class);
      LOG.info(
          "base of {}: copying {} HFiles on MapReduce, at most {} tasks{}",
          table,
          copies.size(),
          tasks,
          taskBytesPerSecond > 0 ? " of " + taskBytesPerSecond + " bytes/s each" : "");
      boolean ok;
      try {
        ok = job.waitForCompletion(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        job.killJob();
        throw new InterruptedIOException(
            "base copy interrupted: the job " + job.getJobID() + " was killed");
      } catch (ClassNotFoundException e) {
        throw new IOException(
            "the base copy job's classes are not on this classpath: " + e.getMessage(), e);
      }
      if (!ok) {
        throw new IOException(
            "the base copy job "
                + job.getJobID()
                + " of "
                + table
                + " failed: see its task logs (yarn logs"
                + " -applicationId <id>); nothing was committed, take the base again (files already copied are reused)");
      }
      int read = 0;
      for (FileStatus part : fs.listStatus(output, p -> p.getName().startsWith("part-"))) {
        try (SequenceFile.Reader reader =
            new SequenceFile.Reader(conf, SequenceFile.Reader.file(part.getPath()))) {
          IntWritable index = new IntWritable();
          Text value = new Text();
          while (reader.next(index, value)) {
            result.set(index.get(), Json.MAPPER.readValue(value.toString(), BaseImageFile.class));
            read++;
          }
        }
      }
      if (read != copies.size()) {
        throw new IOException(
            "the base copy job "
                + job.getJobID()
                + " of "
                + table
                + " reported "
                + read
                + " of "
                + copies.size()
                + " files copied: nothing was committed, take the base again");
      }
      return result;
    } finally {
      Files.deleteIfExists(planFile);
      fs.delete(work, true);
    }
  }
}
