package io.rewind.producer.hbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.producer.ListedQueue;
import io.rewind.schemas.QueueId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueIdentityTest {

  private static final String RS1 = "127.0.0.1%2C40001%2C1700000000001";
  private static final String RS2 = "127.0.0.1%2C40002%2C1700000000002";

  @Test
  void walGroupNamesTheOriginatingServerWithStartCode() {
    QueueId q = QueueIdentity.ofWalGroup(RS1);
    assertThat(q.getServer()).isEqualTo("127.0.0.1,40001,1700000000001");
    assertThat(q.getWalGroup()).isEqualTo(RS1);

    QueueId multiwal = QueueIdentity.ofWalGroup(RS1 + ".regiongroup-0");
    assertThat(multiwal.getServer()).isEqualTo("127.0.0.1,40001,1700000000001");
    assertThat(multiwal.getWalGroup()).isEqualTo(RS1 + ".regiongroup-0");
  }

  @Test
  void walNameGivesItsGroupAndCreationTime() {
    assertThat(QueueIdentity.walGroupOf(RS1 + ".1700000005000")).isEqualTo(RS1);
    assertThat(QueueIdentity.walStartTime(RS1 + ".1700000005000")).isEqualTo(1700000005000L);
    assertThat(QueueIdentity.walGroupOf(RS1 + ".regiongroup-0.1700000005000"))
        .isEqualTo(RS1 + ".regiongroup-0");
    assertThatThrownBy(() -> QueueIdentity.walStartTime("not-a-wal"))
        .hasMessageContaining("not a WAL name");
  }

  @Test
  void claimedQueueIdsBelongToThePeerAndAreRecovered() {
    assertThat(QueueIdentity.belongsToPeer("rewind", "rewind")).isTrue();
    assertThat(QueueIdentity.isRecovered("rewind", "rewind")).isFalse();
    assertThat(QueueIdentity.isRecovered("rewind-127.0.0.1,40001,1700000000001", "rewind"))
        .isTrue();
    assertThat(QueueIdentity.belongsToPeer("rewinder", "rewind")).isFalse();
    assertThat(QueueIdentity.belongsToPeer("other", "rewind")).isFalse();
  }

  @Test
  void listingKeepsTheIdentityAcrossAClaimAndTheOldestWalStart() {
    Map<String, Map<String, List<String>>> storage = new LinkedHashMap<>();
    Map<String, List<String>> rs2 = new LinkedHashMap<>();
    rs2.put("rewind", List.of(RS2 + ".1700000009000", RS2 + ".1700000007000"));
    // RS1 died: RS2 claimed its queue, whose WALs still name RS1.
    rs2.put(
        "rewind-127.0.0.1,40001,1700000000001",
        List.of(RS1 + ".1700000003000", RS1 + ".1700000004000"));
    rs2.put("another-peer", List.of(RS2 + ".1700000001000"));
    storage.put("127.0.0.1,40002,1700000000002", rs2);

    List<ListedQueue> queues = QueueListings.of(storage, "rewind");

    assertThat(queues).hasSize(2);
    ListedQueue claimed = queues.get(0);
    assertThat(claimed.queue()).isEqualTo(QueueIdentity.ofWalGroup(RS1));
    assertThat(claimed.holder()).isEqualTo("127.0.0.1,40002,1700000000002");
    assertThat(claimed.oldestWalStart()).isEqualTo(1700000003000L);
    assertThat(claimed.walCount()).isEqualTo(2);
    ListedQueue own = queues.get(1);
    assertThat(own.queue()).isEqualTo(QueueIdentity.ofWalGroup(RS2));
    assertThat(own.oldestWalStart()).isEqualTo(1700000007000L);
  }
}
