package io.rewind.producer.hbase;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.hbase.TableDescriptors;
import io.rewind.producer.EditPublisher;
import io.rewind.producer.EditSink;
import io.rewind.producer.PointRequests;
import io.rewind.producer.WalEntry;
import io.rewind.schemas.BulkLoad;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.RollRequest;
import io.rewind.schemas.TableDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.hbase.Server;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.replication.BaseReplicationEndpoint;
import org.apache.hadoop.hbase.replication.ReplicationUtils;
import org.apache.hadoop.hbase.replication.WALEntryFilter;
import org.apache.hadoop.hbase.shaded.protobuf.generated.WALProtos.BulkLoadDescriptor;
import org.apache.hadoop.hbase.wal.WAL;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HBase side of Rewind: a replication endpoint (HBase 2.6) that ships every WAL entry of the
 * peer's queues to Kafka through {@link EditPublisher}, one {@code edits} record per row. Add it as
 * a replication peer on every RegionServer (docs/hbase-endpoint.md); its settings come from the
 * peer configuration ({@link EndpointSettings}).
 *
 * <p>HBase creates one instance per replication source: the region server's own queue of the peer,
 * and one per queue it claimed from a dead server. Each instance:
 *
 * <ul>
 *   <li>returns true from {@link #replicate} only once Kafka acknowledged the whole batch, so HBase
 *       stores the queue position only then; false (logged) makes HBase retry the same batch;
 *   <li>turns entries of HBase's replication marker chore into markers ({@link
 *       MarkerSource#CHORE}), never into edits, and after each acknowledged batch of edits
 *       publishes a {@link MarkerSource#BATCH} marker for the queue it shipped;
 *   <li>publishes the descriptor of each table the first time it ships one of its edits and
 *       whenever the descriptor changed;
 *   <li>on a bulk-load marker, copies the files it names into the store and commits the load
 *       ({@link BulkLoadCapture}), then publishes it on the edits topic; with HBase's bulk-load
 *       replication off (the marker then reaches only this endpoint, whose scope filter lets it
 *       pass), or without {@code store.uri}, it cannot, and says so with a {@link
 *       MarkerSource#BULK_LOAD} marker naming the fix;
 *   <li>for the server's own queue, runs the {@link ClusterSnapshotChore} that publishes the peer's
 *       queue storage as consistent cuts, and answers restore-point requests from the control topic
 *       ({@link PointRequests}) with replication markers in the server's WALs.
 * </ul>
 *
 * <p>A queue is named (originating server with start code, WAL group) from {@code
 * ReplicateContext.getWalGroupId()}, the WAL group's prefix: for a claimed queue it names the dead
 * server, as the queue id of the claimed queue does ({@code <peer>-<dead server>}), so its identity
 * survives the claim ({@link QueueIdentity}).
 */
public class KafkaBackupEndpoint extends BaseReplicationEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBackupEndpoint.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private EndpointSettings settings;
  private String queueId;
  private boolean recovered;
  private String name;
  private volatile EditSink sink;
  private ClusterSnapshotChore snapshots;
  private PointRequests points;
  private ScheduledExecutorService pointAnswers;

  /**
   * Newest write time shipped per WAL group: several shipper threads (multiwal) may call replicate
   * at once.
   */
  private final Map<String, Long> newestShipped = new ConcurrentHashMap<>();

  private final Map<String, TableDescriptor> publishedTables = new ConcurrentHashMap<>();
  private final AtomicLong editsShipped = new AtomicLong();
  private final AtomicLong markersShipped = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final Set<String> bulkLoadWarned = ConcurrentHashMap.newKeySet();
  private final AtomicLong bulkLoadsCaptured = new AtomicLong();

  /** Null without {@code store.uri} in the peer's configuration: bulk loads cannot be captured. */
  private BulkLoadCapture bulkLoads;

  private boolean bulkLoadReplication;

  @Override
  public void init(Context context) throws IOException {
    super.init(context);
    try {
      this.settings = new EndpointSettings(context.getPeerConfig().getConfiguration());
      KafkaClientCheck.check(settings.rewindConfig());
    } catch (IllegalArgumentException | ConfigException e) {
      // HBase retries a failed init with a growing pause, logging this each time: the peer ships
      // nothing until it is fixed.
      LOG.error(
          "Rewind backup endpoint of peer {} refused its settings: {}",
          context.getPeerId(),
          e.getMessage());
      throw new IOException(e.getMessage(), e);
    }
    // The MetricsSource of an endpoint is named after its queue id: the peer id, or <peer>-<dead
    // server> once claimed.
    this.queueId =
        context.getMetrics() == null ? context.getPeerId() : context.getMetrics().getPeerID();
    this.recovered = QueueIdentity.isRecovered(queueId, context.getPeerId());
    String holder =
        context.getAbortable() instanceof Server
            ? ((Server) context.getAbortable()).getServerName().getServerName()
            : "unknown-server";
    this.name = sanitize(holder + "-" + queueId) + "-" + INSTANCES.incrementAndGet();
    this.bulkLoadReplication =
        ReplicationUtils.isReplicationForBulkLoadDataEnabled(context.getLocalConfiguration());
  }

  /**
   * HBase's scope filter, except that it lets a bulk-load marker through when HBase cleared its
   * scopes, which it does when bulk-load replication is off: the endpoint can then tell that a bulk
   * load it cannot capture happened ({@link ScopeFilter}).
   */
  @Override
  protected WALEntryFilter getScopeWALEntryFilter() {
    return new ScopeFilter(bulkLoadReplication);
  }

  @Override
  public void start() {
    startAsync();
  }

  @Override
  public void stop() {
    stopAsync();
  }

  @Override
  protected void doStart() {
    try {
      sink = new EditPublisher(settings.rewindConfig(), name);
      if (settings.rewindConfig().get(RewindConfig.STORE_URI) != null) {
        bulkLoads = new BulkLoadCapture(ctx.getLocalConfiguration(), settings.rewindConfig(), name);
      }
      if (!recovered && settings.snapshotsEnabled()) {
        snapshots =
            new ClusterSnapshotChore(
                ctx.getLocalConfiguration(),
                ctx.getPeerId(),
                name,
                sink,
                settings.snapshotIntervalMs());
        snapshots.start();
        pointAnswers =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "rewind-point-answers-" + name);
                  t.setDaemon(true);
                  return t;
                });
        points = new PointRequests(settings.rewindConfig(), name + "-points", this::answerPoint);
      }
      LOG.info(
          "Rewind backup endpoint {} started for {} queue {} of peer {}: Kafka {}, topics {}*",
          name,
          recovered ? "claimed" : "own",
          queueId,
          ctx.getPeerId(),
          settings.rewindConfig().bootstrapServers(),
          settings.rewindConfig().topicPrefix());
      notifyStarted();
    } catch (RuntimeException | LinkageError e) {
      LOG.error("Rewind backup endpoint {} cannot start: {}", name, e.toString(), e);
      notifyFailed(e);
    }
  }

  @Override
  protected void doStop() {
    if (points != null) {
      points.close();
      pointAnswers.shutdownNow();
    }
    if (snapshots != null) {
      snapshots.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (bulkLoads != null) {
      bulkLoads.close();
    }
    LOG.info(
        "Rewind backup endpoint {} stopped: {} edits, {} bulk loads and {} markers shipped, {} batches retried",
        name,
        editsShipped.get(),
        bulkLoadsCaptured.get(),
        markersShipped.get(),
        failedBatches.get());
    notifyStopped();
  }

  /**
   * Answers a restore point at T once this server's clock passes T plus the margin: a replication
   * marker in each of its WALs (each queue's source ships it after everything appended before and
   * its endpoint claims past T) and a cluster snapshot read then. On its own thread: the listener
   * never waits, and nothing here replies to the requester.
   */
  private void answerPoint(RollRequest request) {
    long delay =
        request.getPointTime()
            + settings.rewindConfig().marginMs()
            + 1
            - System.currentTimeMillis();
    pointAnswers.schedule(
        () -> {
          try {
            int wals = WalMarkers.write(ctx.getAbortable());
            snapshots.publishNow();
            LOG.info(
                "restore point {}: replication markers written to {} WALs",
                request.getPointName(),
                wals);
          } catch (IOException | RuntimeException e) {
            LOG.warn(
                "restore point {}: no replication marker written ({}); the marker chore's next one answers it",
                request.getPointName(),
                e.toString());
          }
        },
        Math.max(0, delay),
        TimeUnit.MILLISECONDS);
  }

  /**
   * A stable id of the sink "cluster": Kafka is no HBase cluster, so HBase must not see a cycle.
   */
  @Override
  public UUID getPeerUUID() {
    return UUID.nameUUIDFromBytes(
        ("rewind-kafka-backup:" + ctx.getPeerId()).getBytes(StandardCharsets.UTF_8));
  }

  /** The sink is Kafka, not this cluster: a peer on the cluster it backs up is the normal case. */
  @Override
  public boolean canReplicateToSameCluster() {
    return true;
  }

  @Override
  public boolean replicate(ReplicateContext context) {
    String walGroup = context.getWalGroupId();
    QueueId queue = QueueIdentity.ofWalGroup(walGroup);
    try {
      List<WalEntry> edits = new ArrayList<>(context.getEntries().size());
      Set<TableName> tables = new LinkedHashSet<>();
      long newest = newestShipped.getOrDefault(walGroup, Long.MIN_VALUE);
      List<BulkLoad> captured = new ArrayList<>();
      String notCaptured = null;
      EditSink s = sink;
      for (WAL.Entry entry : context.getEntries()) {
        newest = Math.max(newest, entry.getKey().getWriteTime());
        if (WalEntries.isMarker(entry)) {
          continue;
        }
        WalEntry edit = WalEntries.toWalEntry(entry, queue);
        if (edit != null) {
          edits.add(edit);
          tables.add(entry.getKey().getTableName());
        }
        for (BulkLoadDescriptor marker : WalEntries.bulkLoads(entry)) {
          String table = TableDescriptors.tableName(entry.getKey().getTableName());
          if (!backedUp(entry.getKey().getTableName())) {
            continue; // let through by the scope filter while HBase clears every marker's scopes: a
            // table outside the backup
          }
          String why = whyNotCaptured(table);
          if (why == null) {
            // The files go to the store, and only then anything of the batch to Kafka: a claim past
            // this
            // load implies its files are durable.
            captured.add(
                bulkLoads.capture(
                    marker, entry.getKey().getWriteTime(), queue, s.editsPartitions()));
            tables.add(entry.getKey().getTableName());
          } else {
            notCaptured = why;
            if (bulkLoadWarned.add(table)) {
              LOG.warn(
                  "a bulk load into {} (region {}) passed through the replication peer and cannot be captured: {}",
                  table,
                  marker.getEncodedRegionName().toStringUtf8(),
                  why);
            }
          }
        }
      }
      publishChangedTables(s, tables);
      if (!edits.isEmpty()) {
        s.publish(edits);
        editsShipped.addAndGet(edits.size());
      }
      for (BulkLoad load : captured) {
        s.publishBulkLoad(load);
        bulkLoadsCaptured.incrementAndGet();
      }
      if (newest != Long.MIN_VALUE) {
        // A BULK_LOAD marker is a claim like the others, and tells `rewind status` that a bulk
        // load's data is not backed up.
        MarkerSource source =
            notCaptured != null
                ? MarkerSource.BULK_LOAD
                : edits.isEmpty() && captured.isEmpty() ? MarkerSource.CHORE : MarkerSource.BATCH;
        s.publishMarker(queue, newest, source, notCaptured == null ? "" : notCaptured);
        markersShipped.incrementAndGet();
        newestShipped.put(walGroup, newest);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      failedBatches.incrementAndGet();
      LOG.warn(
          "Rewind backup endpoint {}: batch of {} WAL entries of queue {} was not made durable (Kafka, or the store for a bulk"
              + " load); HBase will retry it: {}",
          name,
          context.getEntries().size(),
          queue.getServer() + "/" + walGroup,
          e.toString());
      return false;
    }
  }

  /** Whether a family of the table has replication scope 1: the table is backed up. */
  private boolean backedUp(TableName table) throws IOException {
    org.apache.hadoop.hbase.client.TableDescriptor d =
        ctx.getTableDescriptors() == null ? null : ctx.getTableDescriptors().get(table);
    return d != null && Arrays.stream(d.getColumnFamilies()).anyMatch(f -> f.getScope() != 0);
  }

  /** Null when a bulk load into the table can be captured; else why not, with the fix. */
  private String whyNotCaptured(String table) {
    if (!bulkLoadReplication) {
      return "bulk-load replication is off on this region server, so HBase neither keeps the loaded files for the peer nor hands"
          + " it their names: set hbase.replication.bulkload.enabled=true and hbase.replication.cluster.id in every hbase-site.xml,"
          + " restart, then take a base of "
          + table
          + " (rewind base --tables "
          + table
          + ") to back up what was loaded";
    }
    if (bulkLoads == null) {
      return "the replication peer has no store.uri, so the endpoint cannot copy the loaded files: add it with update_peer_config"
          + " (docs/hbase-endpoint.md), then take a base of "
          + table
          + " (rewind base --tables "
          + table
          + ")";
    }
    return null;
  }

  private void publishChangedTables(EditSink s, Set<TableName> tables) {
    if (tables.isEmpty() || ctx.getTableDescriptors() == null) {
      return;
    }
    for (TableName t : tables) {
      org.apache.hadoop.hbase.client.TableDescriptor hbaseDescriptor;
      try {
        hbaseDescriptor = ctx.getTableDescriptors().get(t);
      } catch (IOException e) {
        LOG.warn(
            "cannot read the descriptor of {} to publish it: {}; will try with the next batch",
            t,
            e.toString());
        continue;
      }
      if (hbaseDescriptor == null) {
        continue;
      }
      TableDescriptor current =
          TableDescriptors.toAvro(hbaseDescriptor, System.currentTimeMillis());
      if (!TableDescriptors.sameContent(publishedTables.get(current.getTable()), current)) {
        s.publishTable(current);
        publishedTables.put(current.getTable(), current);
        LOG.info(
            "published the descriptor of {} ({} families)",
            current.getTable(),
            current.getFamilies().size());
      }
    }
  }

  /** Bulk loads captured and published by this instance. */
  public long bulkLoadsCaptured() {
    return bulkLoadsCaptured.get();
  }

  /** Edits shipped (WAL entries, before the per-row split) by this instance. */
  public long editsShipped() {
    return editsShipped.get();
  }

  private static String sanitize(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
