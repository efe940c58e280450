package io.rewind.monitoring;

import io.rewind.client.time.TimeParser;
import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.QueueListing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The source cluster's WAL backlog per replication queue, from the newest cluster snapshot on the
 * progress topic: a region server keeps every WAL of a queue (in oldWALs once rolled) until the
 * queue shipped it, so a queue that falls behind fills the source's disk.
 *
 * @param snapshotReadTime when the snapshot was read (its publisher's clock)
 * @param snapshotAgeMs now minus that
 * @param walsWaitingTotal WALs waiting over every queue
 * @param walsWaitingMax the most WALs waiting in one queue
 * @param oldestWalAgeMs the age of the oldest WAL any queue holds
 * @param queues every listed queue, the most WALs waiting first
 */
public record WalBacklog(
    long snapshotReadTime,
    String snapshotReadTimeIso,
    long snapshotAgeMs,
    int walsWaitingTotal,
    int walsWaitingMax,
    long oldestWalAgeMs,
    List<Queue> queues) {

  /**
   * One queue.
   *
   * @param queue server/walGroup (the server that created it)
   * @param holder the live server that ships it (another one after a claim)
   * @param recovered claimed from a dead server: every WAL it holds is closed
   * @param wals WALs the queue storage lists for it
   * @param walsWaiting closed WALs not fully shipped: all of a recovered queue's, else all but the
   *     one being written
   * @param oldestWalAgeMs now minus the creation time of its oldest WAL (the WAL name's suffix)
   */
  public record Queue(
      String queue,
      String holder,
      boolean recovered,
      int wals,
      int walsWaiting,
      long oldestWalStart,
      String oldestWalStartIso,
      long oldestWalAgeMs) {}

  static WalBacklog of(ClusterSnapshot snapshot, long now) {
    List<Queue> queues = new ArrayList<>();
    int total = 0;
    int max = 0;
    long oldest = 0;
    for (QueueListing l : snapshot.getQueues()) {
      String server = l.getQueue().getServer();
      boolean recovered = !server.equals(l.getHolder());
      int wals = l.getWalCount();
      int waiting = recovered ? wals : Math.max(0, wals - 1);
      long age = Math.max(0, now - l.getOldestWalStart());
      queues.add(
          new Queue(
              server + "/" + l.getQueue().getWalGroup(),
              l.getHolder(),
              recovered,
              wals,
              waiting,
              l.getOldestWalStart(),
              TimeParser.format(l.getOldestWalStart()),
              age));
      total += waiting;
      max = Math.max(max, waiting);
      oldest = Math.max(oldest, age);
    }
    queues.sort(
        Comparator.comparingInt(Queue::walsWaiting)
            .reversed()
            .thenComparing(Comparator.comparingLong(Queue::oldestWalAgeMs).reversed()));
    return new WalBacklog(
        snapshot.getReadTime(),
        TimeParser.format(snapshot.getReadTime()),
        Math.max(0, now - snapshot.getReadTime()),
        total,
        max,
        oldest,
        queues);
  }
}
