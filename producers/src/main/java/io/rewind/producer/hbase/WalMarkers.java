package io.rewind.producer.hbase;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.Abortable;
import org.apache.hadoop.hbase.client.RegionInfo;
import org.apache.hadoop.hbase.regionserver.MultiVersionConcurrencyControl;
import org.apache.hadoop.hbase.regionserver.Region;
import org.apache.hadoop.hbase.regionserver.RegionServerServices;
import org.apache.hadoop.hbase.regionserver.wal.WALUtil;
import org.apache.hadoop.hbase.replication.regionserver.ReplicationMarkerChore;
import org.apache.hadoop.hbase.util.EnvironmentEdgeManager;
import org.apache.hadoop.hbase.wal.WAL;

/**
 * Writes a replication marker into each WAL of this region server now, as HBase's marker chore does
 * every {@code hbase.regionserver.replication.marker.chore.duration} (one marker per WAL, with the
 * row key and a region of the server, through {@link WALUtil#writeReplicationMarkerAndSync}): the
 * marker ships through each queue after every entry appended before it, and the endpoint claims its
 * write time minus the margin. HBase 2.6 offers no API to run its chore on request.
 */
final class WalMarkers {

  private static final MultiVersionConcurrencyControl MVCC = new MultiVersionConcurrencyControl();

  private WalMarkers() {}

  /**
   * @return the WALs marked; 0 when the server hosts no region (nothing to claim) or is not a
   *     region server
   */
  static int write(Abortable server) throws IOException {
    if (!(server instanceof RegionServerServices)) {
      return 0;
    }
    RegionServerServices rs = (RegionServerServices) server;
    Map<WAL, RegionInfo> wals = new IdentityHashMap<>();
    List<? extends Region> regions = rs.getRegions();
    for (Region region : regions) {
      RegionInfo info = region.getRegionInfo();
      if (!info.isMetaRegion()) {
        wals.putIfAbsent(rs.getWAL(info), info);
      }
    }
    long now = EnvironmentEdgeManager.currentTime();
    byte[] row = ReplicationMarkerChore.getRowKey(rs.getServerName().getServerName(), now);
    for (Map.Entry<WAL, RegionInfo> e : wals.entrySet()) {
      WALUtil.writeReplicationMarkerAndSync(e.getKey(), MVCC, e.getValue(), row, now);
    }
    return wals.size();
  }
}
