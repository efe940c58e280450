package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.config.RewindConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A running demo's connection file is used only when no connection option says otherwise. */
class ConnectionOptionsTest {

  @TempDir Path home;
  private String previousHome;

  @BeforeEach
  void pointHomeAtATemporaryDirectory() {
    previousHome = System.setProperty(RewindHome.PROPERTY, home.toString());
  }

  @AfterEach
  void restoreHome() {
    if (previousHome == null) {
      System.clearProperty(RewindHome.PROPERTY);
    } else {
      System.setProperty(RewindHome.PROPERTY, previousHome);
    }
  }

  private static RewindConfig configOf(String... args) {
    StatusCommand command = new StatusCommand();
    new CommandLine(command).parseArgs(args);
    return command.connection.config();
  }

  private static RewindConfig demo() {
    return RewindConfig.of(
        Map.of(
            RewindConfig.BOOTSTRAP_SERVERS,
            "127.0.0.1:39092",
            RewindConfig.STORE_URI,
            "file:///tmp/demo-store",
            "fs.s3a.secret.key",
            "s3cr3t"));
  }

  @Test
  void withoutConnectionOptionsARunningDemosSettingsAreUsed() throws IOException {
    Path file = DemoConnectionFile.write(demo(), "http://127.0.0.1:1234/status");

    RewindConfig config = configOf();

    assertThat(file).isEqualTo(home.resolve("demo.properties"));
    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:39092");
    assertThat(config.storeUri()).isEqualTo("file:///tmp/demo-store");
    assertThat(config.get("fs.s3a.secret.key")).isEqualTo("s3cr3t");
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void explicitOptionsAndAConfigFileOverrideTheDemo() throws IOException {
    DemoConnectionFile.write(demo(), null);
    Path configFile = home.resolve("prod.properties");
    Files.writeString(configFile, "bootstrap.servers=kafka-1:9092\n");

    assertThat(configOf("-b", "10.0.0.1:9092").bootstrapServers()).isEqualTo("10.0.0.1:9092");
    assertThat(configOf("-b", "10.0.0.1:9092").get(RewindConfig.STORE_URI)).isEmpty();
    assertThat(configOf("--set", "bootstrap.servers=10.0.0.2:9092").bootstrapServers())
        .isEqualTo("10.0.0.2:9092");
    assertThat(configOf("--config", configFile.toString()).bootstrapServers())
        .isEqualTo("kafka-1:9092");
    assertThat(configOf("--config", configFile.toString()).get(RewindConfig.STORE_URI)).isEmpty();
  }

  @Test
  void theFileOfADemoThatIsGoneIsIgnored() throws IOException {
    Path file = DemoConnectionFile.write(demo(), null);
    String text =
        Files.readString(file)
            .replaceAll("rewind\\.demo\\.pid=\\d+", "rewind.demo.pid=" + Long.MAX_VALUE);
    Files.writeString(file, text);

    assertThat(configOf().bootstrapServers())
        .isEqualTo(RewindConfig.defaults().get(RewindConfig.BOOTSTRAP_SERVERS));
  }

  @Test
  void theDemoRemovesOnlyItsOwnFile() throws IOException {
    Path file = DemoConnectionFile.write(demo(), null);
    DemoConnectionFile.deleteIfOurs(file);
    assertThat(file).doesNotExist();

    Files.writeString(file, "rewind.demo.pid=1\n");
    DemoConnectionFile.deleteIfOurs(file);
    assertThat(file).exists();
  }
}
