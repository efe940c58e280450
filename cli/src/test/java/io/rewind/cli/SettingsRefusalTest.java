package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value a setting's definition refuses, from --set or the configuration file, stops the command
 * with exit 2 naming the key.
 */
class SettingsRefusalTest {

  @TempDir Path dir;

  @Test
  void aBadSetValueIsRefusedWithConfigDefsMessage() {
    String store = dir.resolve("store").toUri().toString();
    CliRun.Result shared =
        CliRun.run("verify", "--store", store, "--set", "segment.max.bytes=64MB");
    assertThat(shared.exit).as(shared.err).isEqualTo(Errors.REFUSED);
    assertThat(shared.err)
        .contains(
            "rewind verify: refused: Invalid value 64MB for configuration segment.max.bytes: Not a number of type LONG");

    CliRun.Result stage =
        CliRun.run("verify", "--store", store, "--set", "verify.max.bytes.per.sec=-1");
    assertThat(stage.exit).as(stage.err).isEqualTo(Errors.REFUSED);
    assertThat(stage.err)
        .contains(
            "refused: Invalid value -1 for configuration verify.max.bytes.per.sec: Value must be at least 0");
  }

  @Test
  void aBadValueInTheConfigurationFileIsRefusedNamingTheKey() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("rewind.properties"),
            "store.uri="
                + dir.resolve("store").toUri()
                + "\nlease.require.conditional.writes=maybe\n");
    CliRun.Result r = CliRun.run("verify", "--config", file.toString());
    assertThat(r.exit).as(r.err).isEqualTo(Errors.REFUSED);
    assertThat(r.err)
        .contains(
            "refused: Invalid value maybe for configuration lease.require.conditional.writes: Expected value to be"
                + " either true or false");
  }
}
