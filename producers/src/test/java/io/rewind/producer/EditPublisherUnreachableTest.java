package io.rewind.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.config.RewindConfig;
import io.rewind.schemas.MarkerSource;
import io.rewind.schemas.QueueId;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With no broker listening, a publish retries with backoff and then fails naming the broker and the
 * fix.
 */
class EditPublisherUnreachableTest {

  private static final QueueId QUEUE =
      QueueId.newBuilder().setServer("rs1,16020,1").setWalGroup("rs1%2C16020%2C1").build();

  @Test
  void retriesThenFailsWithTheBrokerInTheMessage() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String bootstrap = "127.0.0.1:" + port;
    RewindConfig config =
        RewindConfig.of(
            Map.of(
                RewindConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                "producer.max.block.ms",
                "300",
                "producer.request.timeout.ms",
                "300",
                "producer.delivery.timeout.ms",
                "600"));
    EditPublisher.Options options =
        EditPublisher.Options.defaults().attempts(3).backoff(Duration.ofMillis(100));
    long start = System.nanoTime();
    try (EditPublisher publisher =
        new EditPublisher(config, "unreachable-test", Clock.systemUTC(), options)) {
      WalEntry entry =
          new WalEntry(
              "ns:t",
              "reg",
              1000,
              1,
              QUEUE,
              List.of(
                  WalCell.put(
                      "r1".getBytes(), "f".getBytes(), "q".getBytes(), 1000, "v".getBytes()),
                  WalCell.put(
                      "r2".getBytes(), "f".getBytes(), "q".getBytes(), 1000, "v".getBytes())));

      assertThatThrownBy(() -> publisher.publish(List.of(entry)))
          .isInstanceOf(PublishFailedException.class)
          .hasMessageContaining(bootstrap)
          .hasMessageContaining("after 3 attempts")
          .hasMessageContaining("2 of 2 records");
      assertThatThrownBy(() -> publisher.publishMarker(QUEUE, 1000, MarkerSource.BATCH))
          .isInstanceOf(PublishFailedException.class)
          .hasMessageContaining("marker of queue");
    }
    long elapsedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
    // Two calls of three attempts each, with 100 + 200 ms of backoff: it retried, and it did not
    // hang.
    assertThat(elapsedMs).isBetween(600L, 20_000L);
  }
}
