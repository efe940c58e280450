package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.cli.Rewind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With tools/ on the classpath the CLI finds demo, bench, simulate and workload
 * (META-INF/services), help still last.
 */
class ToolCommandsTest {

  @Test
  void theCliFindsTheToolsThroughServiceLoader() {
    List<String> names = new ArrayList<>(Rewind.commandLine().getSubcommands().keySet());
    assertThat(names).contains("init", "restore", "simulate", "demo", "workload", "bench");
    assertThat(names.get(names.size() - 1)).isEqualTo("help");
  }
}
