package io.rewind.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.schemas.ClusterSnapshot;
import io.rewind.schemas.Marker;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import io.rewind.schemas.QueueListing;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressClaimsTest {

  private static final QueueId Q1 =
      QueueId.newBuilder().setServer("rs1,16020,1").setWalGroup("rs1%2C16020%2C1").build();
  private static final QueueId Q2 =
      QueueId.newBuilder().setServer("rs2,16020,2").setWalGroup("rs2%2C16020%2C2").build();

  @Test
  void markerBoundIsNewestWriteTimeMinusMargin() {
    Marker m = new ProgressClaims(500).marker(Q1, 10_000, MarkerSource.CHORE);

    assertThat(m.getBound()).isEqualTo(9_500);
    assertThat(m.getNewestWriteTime()).isEqualTo(10_000);
    assertThat(m.getSource()).isEqualTo(MarkerSource.CHORE);
    assertThat(m.getQueue()).isEqualTo(Q1);
  }

  @Test
  void snapshotBoundIsOldestWalStartMinusMarginPerQueue() {
    ClusterSnapshot s =
        new ProgressClaims(250)
            .snapshot(
                20_000,
                List.of(
                    new ListedQueue(Q1, "rs1,16020,1", 15_000, 3),
                    new ListedQueue(Q2, "rs1,16020,1", 18_000, 1)));

    assertThat(s.getReadTime()).isEqualTo(20_000);
    assertThat(s.getMarginMs()).isEqualTo(250);
    assertThat(s.getQueues()).extracting(QueueListing::getBound).containsExactly(14_750L, 17_750L);
    assertThat(s.getQueues().get(1).getHolder()).isEqualTo("rs1,16020,1");
    assertThat(s.getQueues().get(1).getQueue()).isEqualTo(Q2);
    assertThat(s.getQueues()).extracting(QueueListing::getWalCount).containsExactly(3, 1);
  }
}
