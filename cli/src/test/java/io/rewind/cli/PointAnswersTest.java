package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointAnswersTest {

  private static final long T = 10_000;
  private static final long MARGIN = 500;

  private static QueueId q(String server) {
    return QueueId.newBuilder().setServer(server).setWalGroup("g").build();
  }

  private static Marker marker(String server, long newestWriteTime) {
    return Marker.newBuilder()
        .setQueue(q(server))
        .setNewestWriteTime(newestWriteTime)
        .setBound(newestWriteTime - MARGIN)
        .setSource(MarkerSource.CHORE)
        .build();
  }

  private static ClusterSnapshot snapshot(long readTime, String... servers) {
    List<QueueListing> queues = new ArrayList<>();
    for (String s : servers) {
      queues.add(
          QueueListing.newBuilder()
              .setQueue(q(s))
              .setHolder(s)
              .setOldestWalStart(1_000)
              .setBound(1_000 - MARGIN)
              .setWalCount(1)
              .build());
    }
    return ClusterSnapshot.newBuilder()
        .setReadTime(readTime)
        .setMarginMs(MARGIN)
        .setQueues(queues)
        .build();
  }

  @Test
  void completeOnceASnapshotReadAfterTPlusMarginIsInAndEveryQueueItListsClaimedPastT() {
    PointAnswers a = new PointAnswers(T, MARGIN);
    a.marker(marker("s1", T + MARGIN + 1));
    a.snapshot(snapshot(T + MARGIN, "s1", "s2"));
    assertThat(a.snapshotSeen()).as("read at T + margin: the guard stays at T - 1").isFalse();
    a.snapshot(snapshot(T + MARGIN + 1, "s1", "s2"));
    assertThat(a.complete()).isFalse();
    assertThat(a.waitingFor()).containsExactly("s2/g");
    a.marker(marker("s2", T + MARGIN));
    assertThat(a.complete()).as("a bound of exactly T does not cover T").isFalse();
    a.marker(marker("s2", T + MARGIN + 1));
    assertThat(a.complete()).isTrue();
    assertThat(a.queues()).isEqualTo(2);
    assertThat(a.answered()).isEqualTo(2);
  }

  @Test
  void aQueueGoneFromTheNewestSnapshotNoLongerHoldsThePointAndANewOnesWalStartCounts() {
    PointAnswers a = new PointAnswers(T, MARGIN);
    a.snapshot(snapshot(T + MARGIN + 1, "dead", "alive"));
    a.marker(marker("alive", T + 2 * MARGIN));
    assertThat(a.waitingFor()).containsExactly("dead/g");
    ClusterSnapshot later = snapshot(T + MARGIN + 300, "alive", "fresh");
    later.getQueues().get(1).setOldestWalStart(T + MARGIN + 1);
    later.getQueues().get(1).setBound(T + 1);
    a.snapshot(later);
    assertThat(a.complete()).isTrue();
  }
}
