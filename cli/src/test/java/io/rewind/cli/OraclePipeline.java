package io.rewind.cli;

import static org.awaitility.Awaitility.await;

import io.rewind.archiver.Archiver;
import io.rewind.checkpoint.CheckpointApp;
import io.rewind.client.store.ObjectStore;
import io.rewind.stack.EmbeddedStack;
import io.rewind.stack.HBaseMiniCluster;
import io.rewind.store.catalog.CheckpointFile;
import java.time.Duration;
import java.util.Map;

/**
 * The oracle tests' backup: the embedded stack with HBase, the checkpoint app, one archiver and the
 * store.
 */
final class OraclePipeline implements AutoCloseable {

  final EmbeddedStack stack;
  final HBaseMiniCluster hbase;
  final ObjectStore store;
  private final CheckpointApp checkpoint;
  private final Archiver archiver;

  private OraclePipeline(
      EmbeddedStack stack, CheckpointApp checkpoint, Archiver archiver, ObjectStore store) {
    this.stack = stack;
    this.hbase = stack.hbase().orElseThrow();
    this.checkpoint = checkpoint;
    this.archiver = archiver;
    this.store = store;
  }

  static OraclePipeline start(int partitions, int regionServers, String archiverId)
      throws Exception {
    return start(partitions, regionServers, archiverId, Map.of());
  }

  /**
   * @param hbaseSettings region server settings over the mini cluster's own
   */
  static OraclePipeline start(
      int partitions, int regionServers, String archiverId, Map<String, String> hbaseSettings)
      throws Exception {
    EmbeddedStack.Builder builder =
        EmbeddedStack.builder()
            .editsPartitions(partitions)
            .withHBase(true)
            .hbaseRegionServers(regionServers);
    hbaseSettings.forEach(builder::hbaseConfig);
    EmbeddedStack stack = builder.start();
    CheckpointApp checkpoint = null;
    Archiver archiver = null;
    try {
      checkpoint = new CheckpointApp(stack.config());
      checkpoint.start();
      archiver = new Archiver(stack.config(), archiverId);
      archiver.start();
      return new OraclePipeline(stack, checkpoint, archiver, ObjectStore.open(stack.config()));
    } catch (Exception | Error e) {
      for (AutoCloseable c : new AutoCloseable[] {archiver, checkpoint, stack}) {
        if (c != null) {
          c.close();
        }
      }
      throw e;
    }
  }

  /** Waits until the store's checkpoint is at or after T: every edit up to T is archived. */
  void awaitCheckpointAtOrAfter(long t, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> CheckpointFile.read(store).map(c -> c.time >= t).orElse(false));
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {archiver, checkpoint, store, stack}) {
      c.close();
    }
  }
}
