package io.rewind.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

  @TempDir Path dir;

  @Test
  void startsAgainOnOtherPortsWhenAPortIsTakenBeforeTheBrokerBindsIt() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int taken = squatter.getLocalPort();
      AtomicBoolean first = new AtomicBoolean(true);

      try (KafkaBroker broker =
          KafkaBroker.start(
              dir.resolve("kafka"),
              Map.of(),
              () -> first.getAndSet(false) ? taken : LoopbackPorts.free())) {
        assertThat(broker.port()).isNotEqualTo(taken);
        try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
          assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
      }
    }
  }

  @Test
  void settingsBindLoopbackOnlyAndTakeOverrides() {
    Map<String, String> settings =
        KafkaBroker.settings(dir, 1111, 2222, Map.of("num.partitions", "4"));

    assertThat(settings.get("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:1111,CONTROLLER://127.0.0.1:2222");
    assertThat(settings.get("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:1111");
    assertThat(settings.get("controller.quorum.voters")).isEqualTo("1@127.0.0.1:2222");
    assertThat(settings.get("num.partitions")).isEqualTo("4");
    assertThat(settings.get("share.coordinator.state.topic.replication.factor")).isEqualTo("1");
    assertThat(settings.values()).noneMatch(v -> v.matches(".*://(:|0\\.0\\.0\\.0:).*"));
  }
}
