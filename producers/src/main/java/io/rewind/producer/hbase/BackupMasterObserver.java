package io.rewind.producer.hbase;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.hbase.TableDescriptors;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.TableHistory;
import io.rewind.producer.EditPublisher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.CoprocessorEnvironment;
import org.apache.hadoop.hbase.DoNotRetryIOException;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.ReplicationPeerNotFoundException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.RegionInfo;
import org.apache.hadoop.hbase.client.RegionReplicaUtil;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.coprocessor.MasterCoprocessor;
import org.apache.hadoop.hbase.coprocessor.MasterCoprocessorEnvironment;
import org.apache.hadoop.hbase.coprocessor.MasterObserver;
import org.apache.hadoop.hbase.coprocessor.ObserverContext;
import org.apache.hadoop.hbase.replication.ReplicationPeerConfig;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of Rewind: records what never passes through the WAL as edits. Loaded by the
 * master ({@code hbase.coprocessor.master.classes}, docs/hbase-endpoint.md), it takes its settings
 * from the backup's replication peer ({@value #PEER_SETTING}, default {@code rewind}) and, for
 * every table with a replicated family:
 *
 * <ul>
 *   <li>before a create, a schema change (families added, removed or changed), a truncate or a drop
 *       takes effect, writes the table's new version ({@code CREATE}, {@code MODIFY}, {@code
 *       TRUNCATE}, {@code DROP}) to the store ({@link TableHistory}) and publishes it on the tables
 *       topic, and only then lets the procedure go on. Every edit of the table before the change is
 *       therefore older than the version's time and every edit after it newer, which is what lets a
 *       restore place the change among the edits; and a restore finds the version however far
 *       behind the archivers are. When it cannot record the change (store or Kafka unreachable) it
 *       refuses it, naming why, unless {@value #REQUIRED_SETTING} is false;
 *   <li>after a split, a merge or a truncate, records the table's region boundaries ({@code
 *       REGIONS}), so a restore pre-splits its target as the table was split at T;
 *   <li>refuses to add (or update) a {@link KafkaBackupEndpoint} peer whose Kafka client cannot run
 *       here, a codec or SASL mechanism whose library is missing, naming the setting ({@link
 *       KafkaClientCheck}), instead of a peer that would retry forever shipping nothing.
 * </ul>
 */
public class BackupMasterObserver implements MasterCoprocessor, MasterObserver {

  private static final Logger LOG = LoggerFactory.getLogger(BackupMasterObserver.class);

  /** hbase-site.xml: the replication peer whose configuration names Kafka and the store. */
  public static final String PEER_SETTING = "rewind.observer.peer";

  /** hbase-site.xml: refuse a change that cannot be recorded (default true). */
  public static final String REQUIRED_SETTING = "rewind.observer.required";

  private MasterCoprocessorEnvironment env;
  private String peerId;
  private boolean required;
  private Map<String, String> peerSettings;
  private EditPublisher publisher;
  private ObjectStore store;

  @Override
  public Optional<MasterObserver> getMasterObserver() {
    return Optional.of(this);
  }

  @Override
  public void start(CoprocessorEnvironment e) {
    this.env = (MasterCoprocessorEnvironment) e;
    Configuration conf = e.getConfiguration();
    this.peerId = conf.get(PEER_SETTING, "rewind");
    this.required = conf.getBoolean(REQUIRED_SETTING, true);
    LOG.info(
        "Rewind master observer started: changes of backed-up tables are recorded through peer '{}'{}",
        peerId,
        required ? "" : " (a change that cannot be recorded goes ahead)");
  }

  @Override
  public synchronized void stop(CoprocessorEnvironment e) {
    closeClients();
  }

  @Override
  public void preCreateTableAction(
      ObserverContext<MasterCoprocessorEnvironment> ctx, TableDescriptor desc, RegionInfo[] regions)
      throws IOException {
    if (backedUp(desc)) {
      // A clone of a snapshot creates the table without naming its regions here.
      record("CREATE", desc, List.of(), regions == null ? null : splitKeys(Arrays.asList(regions)));
    }
  }

  @Override
  public void preModifyTableAction(
      ObserverContext<MasterCoprocessorEnvironment> ctx,
      TableName table,
      TableDescriptor current,
      TableDescriptor updated)
      throws IOException {
    if (backedUp(current) || backedUp(updated)) {
      List<String> added = new ArrayList<>(families(updated));
      added.removeAll(families(current));
      record("MODIFY", updated, added, null);
    }
  }

  @Override
  public void preTruncateTableAction(
      ObserverContext<MasterCoprocessorEnvironment> ctx, TableName table) throws IOException {
    recordCurrent("TRUNCATE", table);
  }

  @Override
  public void preDeleteTableAction(
      ObserverContext<MasterCoprocessorEnvironment> ctx, TableName table) throws IOException {
    recordCurrent("DROP", table);
  }

  /**
   * Refuses a backup peer whose Kafka client could not run, so add_peer fails naming the setting
   * ({@link KafkaClientCheck}).
   */
  @Override
  public void preAddReplicationPeer(
      ObserverContext<MasterCoprocessorEnvironment> ctx, String peer, ReplicationPeerConfig config)
      throws IOException {
    checkBackupPeer(peer, config);
  }

  @Override
  public void preUpdateReplicationPeerConfig(
      ObserverContext<MasterCoprocessorEnvironment> ctx, String peer, ReplicationPeerConfig config)
      throws IOException {
    checkBackupPeer(peer, config);
  }

  private static void checkBackupPeer(String peer, ReplicationPeerConfig config)
      throws DoNotRetryIOException {
    if (!KafkaBackupEndpoint.class.getName().equals(config.getReplicationEndpointImpl())) {
      return;
    }
    try {
      KafkaClientCheck.check(new EndpointSettings(config.getConfiguration()).rewindConfig());
    } catch (IllegalArgumentException | ConfigException e) {
      throw new DoNotRetryIOException(
          "Rewind refuses replication peer '" + peer + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void postCompletedTruncateTableAction(
      ObserverContext<MasterCoprocessorEnvironment> ctx, TableName table) {
    recordRegions(table, "the truncate");
  }

  @Override
  public void postCompletedSplitRegionAction(
      ObserverContext<MasterCoprocessorEnvironment> ctx, RegionInfo first, RegionInfo second) {
    recordRegions(first.getTable(), "a split");
  }

  @Override
  public void postCompletedMergeRegionsAction(
      ObserverContext<MasterCoprocessorEnvironment> ctx, RegionInfo[] merged, RegionInfo result) {
    recordRegions(result.getTable(), "a merge");
  }

  private void recordCurrent(String change, TableName table) throws IOException {
    if (table.isSystemTable()) {
      return;
    }
    TableDescriptor current;
    try (Admin admin = env.getConnection().getAdmin()) {
      current = admin.getDescriptor(table);
    } catch (RuntimeException e) {
      throw new IOException(
          "cannot read the descriptor of " + table + " to record its " + change + ": " + e, e);
    }
    if (backedUp(current)) {
      record(change, current, List.of(), null);
    }
  }

  /** Boundaries change after the fact and never lose data: a failure is logged, not raised. */
  private void recordRegions(TableName table, String after) {
    if (table.isSystemTable()) {
      return;
    }
    try (Admin admin = env.getConnection().getAdmin()) {
      TableDescriptor current = admin.getDescriptor(table);
      if (backedUp(current)) {
        record("REGIONS", current, List.of(), splitKeys(admin.getRegions(table)));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not record the regions of {} after {}: a restore pre-splits its target at the boundaries recorded before ({})",
          table,
          after,
          e.toString());
    }
  }

  /**
   * Writes the version to the store, then publishes it; refuses the change when either fails
   * (unless not required). Never lets a runtime exception out: the master aborts on one from a
   * coprocessor.
   */
  private synchronized void record(
      String change, TableDescriptor descriptor, List<String> added, List<ByteBuffer> splitKeys)
      throws IOException {
    String table = TableDescriptors.tableName(descriptor.getTableName());
    long time = System.currentTimeMillis();
    try {
      io.rewind.schemas.TableDescriptor version =
          io.rewind.schemas.TableDescriptor.newBuilder(TableDescriptors.toAvro(descriptor, time))
              .setChange(change)
              .setAddedFamilies(added)
              .setSplitKeys(splitKeys == null ? List.of() : splitKeys)
              .setRegionsKnown(splitKeys != null)
              .build();
      if (!connect()) {
        return;
      }
      String key = new TableHistory(store).write(version);
      publisher.publishTable(version);
      LOG.info("recorded {} of {} at {} ({})", change, table, time, key);
    } catch (IOException | RuntimeException e) {
      closeClients();
      String message =
          "Rewind could not record the "
              + change
              + " of "
              + table
              + " for the backup ("
              + e.getMessage()
              + "). Make the"
              + " store and Kafka of replication peer '"
              + peerId
              + "' reachable from the master, or set "
              + REQUIRED_SETTING
              + "=false in"
              + " its hbase-site.xml to let such changes go ahead unrecorded (restores then miss them)";
      if (required && !change.equals("REGIONS")) {
        throw new IOException(message + "; the " + change + " was not done", e);
      }
      LOG.error("{}; it went ahead unrecorded", message, e);
    }
  }

  /**
   * Opens the clients from the peer's configuration, again when it changed; false when there is no
   * such peer (nothing to record).
   */
  private boolean connect() throws IOException {
    ReplicationPeerConfig peer;
    try (Admin admin = env.getConnection().getAdmin()) {
      peer = admin.getReplicationPeerConfig(peerId);
    } catch (ReplicationPeerNotFoundException e) {
      LOG.debug("no replication peer '{}': table changes are not recorded", peerId);
      return false;
    }
    if (publisher != null && peer.getConfiguration().equals(peerSettings)) {
      return true;
    }
    closeClients();
    RewindConfig config = new EndpointSettings(peer.getConfiguration()).rewindConfig();
    if (config.get(RewindConfig.STORE_URI) == null) {
      throw new IOException(
          "replication peer '"
              + peerId
              + "' has no store.uri: the master records table changes in the store");
    }
    store = ObjectStore.open(config);
    publisher = new EditPublisher(config, "master-" + env.getServerName().getServerName());
    peerSettings = peer.getConfiguration();
    return true;
  }

  private void closeClients() {
    if (publisher != null) {
      publisher.close();
      publisher = null;
    }
    if (store != null) {
      try {
        store.close();
      } catch (IOException e) {
        LOG.debug("closing the store", e);
      }
      store = null;
    }
    peerSettings = null;
  }

  /** A user table with a family of replication scope 1: the backup peer ships its edits. */
  static boolean backedUp(TableDescriptor d) {
    if (d == null
        || d.getTableName().isSystemTable()
        || NamespaceDescriptor.SYSTEM_NAMESPACE_NAME_STR.equals(
            d.getTableName().getNamespaceAsString())) {
      return false;
    }
    for (ColumnFamilyDescriptor f : d.getColumnFamilies()) {
      if (f.getScope() != 0) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> families(TableDescriptor d) {
    Set<String> names = new TreeSet<>();
    for (ColumnFamilyDescriptor f : d.getColumnFamilies()) {
      names.add(f.getNameAsString());
    }
    return names;
  }

  /**
   * The start keys of the regions but the first, in order: what createTable takes as split keys.
   */
  static List<ByteBuffer> splitKeys(List<RegionInfo> regions) {
    List<byte[]> starts = new ArrayList<>();
    for (RegionInfo r : regions) {
      if (RegionReplicaUtil.isDefaultReplica(r)
          && !r.isSplitParent()
          && !r.isOffline()
          && r.getStartKey().length > 0) {
        starts.add(r.getStartKey());
      }
    }
    starts.sort(Bytes.BYTES_COMPARATOR);
    List<ByteBuffer> keys = new ArrayList<>();
    starts.forEach(k -> keys.add(ByteBuffer.wrap(k)));
    return keys;
  }
}
