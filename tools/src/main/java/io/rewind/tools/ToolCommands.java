package io.rewind.tools;

import io.rewind.cli.ExtraCommands;
import java.util.List;

/**
 * {@code rewind simulate}, {@code demo}, {@code workload} and {@code bench}: registered in
 * META-INF/services.
 */
public final class ToolCommands implements ExtraCommands {

  @Override
  public List<Object> commands() {
    return List.of(
        new SimulateCommand(), new DemoCommand(), new WorkloadCommand(), new BenchCommand());
  }
}
