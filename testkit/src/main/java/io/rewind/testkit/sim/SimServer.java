package io.rewind.testkit.sim;

import io.rewind.schemas.QueueId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A simulated region server, named as HBase names them ({@code host,port,startcode}), with one
 * replication queue per WAL group and the sources shipping them (its own and any it claimed).
 */
final class SimServer {

  /**
   * One WAL group: its queue id, current WAL and the writer's schedule for rolls and marker
   * entries.
   */
  static final class WalGroup {
    final QueueId queue;
    final String walGroupId;
    SimWal current;
    long nextRollOffset;
    long nextMarkerOffset;

    WalGroup(QueueId queue, String walGroupId) {
      this.queue = queue;
      this.walGroupId = walGroupId;
    }
  }

  private final String name;
  private final List<WalGroup> groups;
  private final List<SimReplicationSource> sources = new CopyOnWriteArrayList<>();
  private volatile boolean alive = true;

  SimServer(int index, long startCode, int walGroups) {
    this.name = String.format("rs-%02d.sim.rewind.local,16020,%d", index, startCode);
    // ReplicateContext.getWalGroupId(): the WAL prefix, the URL-encoded server name (plus the group
    // with multiwal).
    String prefix = URLEncoder.encode(name, StandardCharsets.UTF_8);
    List<WalGroup> gs = new ArrayList<>();
    for (int g = 0; g < walGroups; g++) {
      String id = walGroups == 1 ? prefix : prefix + ".regiongroup-" + g;
      gs.add(new WalGroup(QueueId.newBuilder().setServer(name).setWalGroup(id).build(), id));
    }
    this.groups = Collections.unmodifiableList(gs);
  }

  String name() {
    return name;
  }

  List<WalGroup> groups() {
    return groups;
  }

  WalGroup groupFor(SimRegion region) {
    return groups.get(Math.floorMod(region.encodedName().hashCode(), groups.size()));
  }

  List<SimReplicationSource> sources() {
    return sources;
  }

  boolean alive() {
    return alive;
  }

  void die() {
    alive = false;
  }
}
