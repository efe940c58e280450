package io.rewind.base.mapreduce;

import io.rewind.base.BaseImageFileCopy;
import io.rewind.base.BaseImageSettings;
import io.rewind.client.base.BaseImageFile;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.io.UploadThrottle;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hbase.util.CommonFSUtils;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Mapper;

/**
 * Copies each file of its group with {@link BaseImageFileCopy} (the local copy's own step: to its
 * final key, compressed, sealed and checksummed as it streams, under this task's bandwidth cap) and
 * emits its stored entry; the driver commits the base from the job's committed output only.
 */
public final class CopyMapper extends Mapper<IntWritable, Text, IntWritable, Text> {

  static final String BYTES_PER_SEC = MapReduceBaseCopy.PREFIX + "task.bytes.per.sec";

  private ObjectStore store;
  private BaseImageFileCopy copy;
  private final Text out = new Text();

  @Override
  protected void setup(Context context) throws IOException {
    Configuration conf = context.getConfiguration();
    RewindConfig config = RewindConfig.of(conf.getPropsWithPrefix(MapReduceBaseCopy.CONFIG));
    store = ObjectStore.open(config);
    FileSystem hbaseFs = CommonFSUtils.getRootDir(conf).getFileSystem(conf);
    copy =
        BaseImageFileCopy.of(
            conf,
            hbaseFs,
            store,
            new UploadThrottle(conf.getLong(BYTES_PER_SEC, 0)),
            BaseImageSettings.from(config));
  }

  @Override
  protected void map(IntWritable index, Text value, Context context)
      throws IOException, InterruptedException {
    PlannedCopy planned = Json.MAPPER.readValue(value.toString(), PlannedCopy.class);
    BaseImageFile stored = copy.copy(context.getConfiguration(), planned.entry(), planned.source());
    context.getCounter(MapReduceBaseCopy.Counters.FILES_COPIED).increment(1);
    context.getCounter(MapReduceBaseCopy.Counters.BYTES_COPIED).increment(stored.size);
    out.set(Json.MAPPER.writeValueAsString(stored));
    context.write(index, out);
  }

  @Override
  protected void cleanup(Context context) throws IOException {
    if (store != null) {
      store.close();
    }
  }
}
