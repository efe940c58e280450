package io.rewind.producer.hbase;

import io.rewind.producer.ListedQueue;
import io.rewind.schemas.QueueId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one consistent read of the replication queue storage (holder server -> queue id -> WAL
 * names) into the peer's queues: one per (holder, WAL group), with the creation time of its oldest
 * listed WAL. A queue id can hold WALs of several groups (multiwal), each its own queue for us,
 * since each is shipped, and claimed, as one unit. Pure.
 */
public final class QueueListings {

  private QueueListings() {}

  /**
   * @param storage holder -> queue id -> WAL names, as read in one consistent cut
   */
  public static List<ListedQueue> of(
      Map<String, Map<String, List<String>>> storage, String peerId) {
    Map<String, ListedQueue> byKey = new TreeMap<>();
    storage.forEach(
        (holder, queues) ->
            queues.forEach(
                (queueId, wals) -> {
                  if (!QueueIdentity.belongsToPeer(queueId, peerId)) {
                    return;
                  }
                  Map<String, long[]> groups = new TreeMap<>();
                  for (String wal : wals) {
                    if (QueueIdentity.isMetaWal(wal)) {
                      continue;
                    }
                    long start = QueueIdentity.walStartTime(wal);
                    long[] g =
                        groups.computeIfAbsent(
                            QueueIdentity.walGroupOf(wal), k -> new long[] {Long.MAX_VALUE, 0});
                    g[0] = Math.min(g[0], start);
                    g[1]++;
                  }
                  groups.forEach(
                      (group, g) -> {
                        QueueId queue = QueueIdentity.ofWalGroup(group);
                        // A group listed by two holders cannot happen (a claim is atomic); keep the
                        // oldest start if it did.
                        String key = queue.getServer() + "/" + queue.getWalGroup();
                        ListedQueue existing = byKey.get(key);
                        if (existing == null || existing.oldestWalStart() > g[0]) {
                          byKey.put(key, new ListedQueue(queue, holder, g[0], (int) g[1]));
                        }
                      });
                }));
    return new ArrayList<>(byKey.values());
  }
}
