package io.rewind.cli;

import java.util.List;

/**
 * Subcommands that are not the product's (the demo, benches, simulator and workloads of tools/):
 * {@link Rewind} finds them with {@link java.util.ServiceLoader} when their module is on the
 * classpath, as {@code ./rewind} puts it, so the product runs and ships without them.
 */
public interface ExtraCommands {

  /** Picocli {@code @Command} objects, in the order {@code rewind --help} lists them. */
  List<Object> commands();
}
