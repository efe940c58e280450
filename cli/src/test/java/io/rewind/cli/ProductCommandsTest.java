package io.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Without tools/ on the classpath (as here, and as the product ships) the CLI has the product's
 * commands only.
 */
class ProductCommandsTest {

  @Test
  void theProductsCliHasNoToolCommands() {
    assertThat(Rewind.commandLine().getSubcommands().keySet())
        .contains(
            "init",
            "archive",
            "checkpoint",
            "compact",
            "restore",
            "restore-point",
            "verify",
            "status",
            "help")
        .doesNotContain("demo", "bench", "simulate", "workload");
  }
}
