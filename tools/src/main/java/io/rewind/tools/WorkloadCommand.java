package io.rewind.tools;

import io.rewind.cli.DurationConverter;
import io.rewind.cli.HBaseConnectionOptions;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.time.TimeParser;
import io.rewind.testkit.hbase.HBaseWorkload;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind workload}: the demo's and the oracle test's HBase workload, standalone against a
 * given cluster. Creates the three tables (KEEP_DELETED_CELLS, every version, replication scope 1)
 * in a namespace, writes for a while and pauses N times, snapshotting every table at each pause:
 * each printed T with its snapshots is a state a restore to T must reproduce.
 */
@Command(
    name = "workload",
    mixinStandardHelpOptions = true,
    description = {
      "Write a seeded random workload into an HBase cluster (every delete type, explicit timestamps, many versions, binary keys,",
      "a 1 MiB value), pausing to snapshot every table at moments T printed as 'pause <n> <T> <snapshots>'.",
      "Point it at a cluster whose replication peer is Rewind's endpoint, then compare `rewind restore --to T` with the snapshots."
    })
final class WorkloadCommand implements Callable<Integer> {

  @Mixin HBaseConnectionOptions hbase;

  @Option(
      names = "--namespace",
      description =
          "Namespace of the workload's tables, created if missing (default: ${DEFAULT-VALUE}).")
  String namespace = "rewind_workload";

  @Option(
      names = "--duration",
      description = "How long to write, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration duration = Duration.ofSeconds(30);

  @Option(
      names = "--pauses",
      description =
          "Pauses with snapshots of every table, spread over the duration (default: ${DEFAULT-VALUE}).")
  int pauses = 5;

  @Option(names = "--seed", description = "Seed of the workload (default: random).")
  Long seed;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!hbase.given()) {
      throw new RewindException(
          Kind.REFUSED,
          "no HBase cluster: pass --hbase-zk <quorum> or --hbase-site <hbase-site.xml>");
    }
    long s = seed != null ? seed : System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    try (Connection connection = hbase.connect()) {
      HBaseWorkload workload = new HBaseWorkload(connection, namespace, s);
      workload.createTables();
      out.printf(
          "workload seed %d into %s (%s)%n",
          s, String.join(", ", workload.tableNames()), namespace);
      long slice = Math.max(100, duration.toMillis() / (pauses + 1));
      for (int i = 0; i < pauses; i++) {
        workload.run(slice);
        HBaseWorkload.Pause p = workload.pause(i, namespace);
        out.printf("pause %d %s %d %s%n", i, TimeParser.format(p.time()), p.time(), p.snapshots());
        out.flush();
      }
      workload.run(slice);
      workload.close();
      out.printf("done: %d writes%n", workload.operations());
    }
    out.flush();
    return 0;
  }
}
