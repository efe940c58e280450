package io.rewind.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.QueueId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimQueueStorageTest {

  private static final QueueId Q =
      QueueId.newBuilder().setServer("rs1,16020,1").setWalGroup("rs1%2C16020%2C1").build();

  @Test
  void aWalLeavesItsQueueOnlyWhenClosedAndFullyPassed() {
    SimQueueStorage storage = new SimQueueStorage();
    SimWal first = wal(1000, 2);
    storage.addQueue(Q, "rs1,16020,1", first);
    storage.recordPosition(Q, first, 2);
    assertThat(storage.wals(Q)).containsExactly(first);

    SimWal second = wal(2000, 1);
    storage.listWal(Q, second);
    first.close();
    storage.recordPosition(Q, first, 1);
    assertThat(storage.read())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.oldestWalStart()).isEqualTo(1000);
              assertThat(l.walCount()).isEqualTo(2);
            });

    storage.recordPosition(Q, first, 2);
    assertThat(storage.wals(Q)).containsExactly(second);
    assertThat(storage.read().get(0).oldestWalStart()).isEqualTo(2000);
    assertThat(second.name()).endsWith(".2000");
  }

  @Test
  void aClaimMovesTheQueueToTheSurvivorKeepingItsIdentityAndPosition() {
    SimQueueStorage storage = new SimQueueStorage();
    SimWal w = wal(1000, 3);
    storage.addQueue(Q, "rs1,16020,1", w);
    storage.recordPosition(Q, w, 1);
    long before = storage.version();

    List<QueueId> claimed = storage.claimAll("rs1,16020,1", "rs2,16020,2");

    assertThat(claimed).containsExactly(Q);
    assertThat(storage.version()).isGreaterThan(before);
    assertThat(storage.read())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.holder()).isEqualTo("rs2,16020,2");
              assertThat(l.queue()).isEqualTo(Q);
            });
    assertThat(storage.position(Q).index).isEqualTo(1);
    storage.removeQueue(Q);
    assertThat(storage.read()).isEmpty();
  }

  private static SimWal wal(long createdAt, int records) {
    SimWal w = new SimWal("rs1%2C16020%2C1", createdAt);
    for (int i = 0; i < records; i++) {
      w.append(SimWalRecord.marker(createdAt + i));
    }
    return w;
  }
}
