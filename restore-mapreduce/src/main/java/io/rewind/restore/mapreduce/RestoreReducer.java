package io.rewind.restore.mapreduce;

import io.rewind.client.kafka.KafkaClients;
import io.rewind.restore.BulkLoadTarget;
import io.rewind.restore.ContiguousEntryCursor;
import io.rewind.restore.EditDecoder;
import io.rewind.restore.HBaseTarget;
import io.rewind.restore.RestoreTarget;
import io.rewind.restore.RestoredRow;
import io.rewind.restore.SortedReplay;
import io.rewind.schemas.FamilyDescriptor;
import io.rewind.schemas.WalEdit;
import io.rewind.store.dump.DumpCell;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.io.ImmutableBytesWritable;
import org.apache.hadoop.hbase.mapreduce.MultiTableHFileOutputFormat;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.mapreduce.Reducer;

/**
 * Replays the rows of one target region with the local engine's own row semantics: the reducer's
 * whole input, in (key, offset) order, is the cursor a {@link SortedReplay} reads, exactly as it
 * reads a partition's external sort; each restored row's winning puts and delete markers ({@link
 * BulkLoadTarget#cells}) go to HFileOutputFormat2 under the target table's name. Its output depends
 * only on its input, so a retried or speculative attempt writes the same HFiles, and only the
 * committed attempt's reach the output directory.
 */
public class RestoreReducer
    extends Reducer<RowEditKey, BytesWritable, ImmutableBytesWritable, Cell> {

  @Override
  public void run(Context context) throws IOException, InterruptedException {
    Configuration conf = context.getConfiguration();
    Map<String, String> targets = JobSettings.targets(conf);
    Map<String, Map<String, FamilyDescriptor>> families = JobSettings.families(conf);
    EditDecoder decoder =
        new EditDecoder(
            new KafkaClients(JobSettings.config(conf)).serdes().deserializer(WalEdit.class));
    HFileRows out = new HFileRows(context, targets, families);
    SortedReplay replay =
        new SortedReplay(
            decoder,
            JobSettings.topic(conf),
            JobSettings.time(conf),
            JobSettings.tables(conf),
            JobSettings.tablesAt(conf),
            out,
            offset -> "the shuffle (offset " + offset + ")",
            SortedReplay.batchBytes(64L << 20));
    replay.replay(new ShuffleCursor(context));
    context.getCounter(RestoreCounters.EDITS_APPLIED).increment(replay.editsApplied());
    context.getCounter(RestoreCounters.DUPLICATES_SKIPPED).increment(replay.duplicatesSkipped());
    context.getCounter(RestoreCounters.RECORDS_AFTER_TIME).increment(replay.recordsAfterTime());
    context.getCounter(RestoreCounters.INVALID_RECORDS).increment(replay.invalidRecords());
  }

  /**
   * The reducer's input, every value with its full key, as one cursor; key and value copied into
   * one buffer.
   */
  private static final class ShuffleCursor extends ContiguousEntryCursor {
    private final Context context;

    ShuffleCursor(Context context) {
      this.context = context;
    }

    @Override
    public boolean next() throws IOException {
      RowEditKey k;
      BytesWritable v;
      try {
        if (!context.nextKeyValue()) {
          return false;
        }
        k = context.getCurrentKey();
        v = context.getCurrentValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("restore reducer interrupted");
      }
      int keyLength = k.length();
      int valueLength = v.getLength();
      byte[] buffer = reserve(keyLength + valueLength);
      System.arraycopy(k.bytes(), 0, buffer, 0, keyLength);
      System.arraycopy(v.getBytes(), 0, buffer, keyLength, valueLength);
      entry(keyLength, k.offset(), valueLength);
      return true;
    }
  }

  /**
   * Restored rows into the job's output: each cell keyed by its target table and row, as
   * MultiTableHFileOutputFormat takes it.
   */
  private static final class HFileRows implements RestoreTarget {
    private final Context context;
    private final Map<String, String> targets;
    private final Map<String, Map<String, FamilyDescriptor>> families;
    private final ImmutableBytesWritable outKey = new ImmutableBytesWritable();

    HFileRows(
        Context context,
        Map<String, String> targets,
        Map<String, Map<String, FamilyDescriptor>> families) {
      this.context = context;
      this.targets = targets;
      this.families = families;
    }

    @Override
    public void acceptRows(String table, List<RestoredRow> rows) throws IOException {
      String target = targets.get(table);
      if (target == null) {
        throw new IOException(
            "a row of "
                + table
                + " reached a reducer, which has no target table for it: the job's tables are "
                + targets.keySet());
      }
      byte[] targetName = target.getBytes(StandardCharsets.UTF_8);
      long cells = 0;
      try {
        for (RestoredRow row : rows) {
          outKey.set(MultiTableHFileOutputFormat.createCompositeKey(targetName, row.row()));
          for (Cell c : BulkLoadTarget.cells(row)) {
            context.write(outKey, c);
          }
          cells +=
              HBaseTarget.readableCells(row.visibleCells(), families.getOrDefault(table, Map.of()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("restore reducer interrupted");
      }
      context.getCounter(RestoreCounters.ROWS_WRITTEN).increment(rows.size());
      context.getCounter(RestoreCounters.CELLS_GROUP, table).increment(cells);
    }

    @Override
    public void acceptRow(String table, List<DumpCell> cells) {
      throw new UnsupportedOperationException("the reducer takes rows in batches");
    }

    @Override
    public Map<String, Long> finish() {
      return Map.of();
    }
  }
}
