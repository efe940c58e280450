package io.rewind.cli;

import io.rewind.client.config.RewindConfig;
import io.rewind.client.error.RewindException;
import io.rewind.client.error.RewindException.Kind;
import io.rewind.client.lease.Lease;
import io.rewind.client.lease.LeaseResources;
import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.lease.Leases;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.store.point.RestorePoint;
import io.rewind.store.point.RestorePoints;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind restore-point}: named points in time that retention keeps until they are deleted.
 */
@Command(
    name = "restore-point",
    mixinStandardHelpOptions = true,
    subcommands = {
      RestorePointCommand.Create.class,
      RestorePointCommand.ListPoints.class,
      RestorePointCommand.Delete.class
    },
    description = {
      "Named restore points: `create` asks every shipping queue (through the control topic) to claim past now and commits",
      "the point once the checkpoint passes it; `rewind restore --to-point NAME` restores to it; retention keeps what that",
      "restore needs until `delete`."
    })
final class RestorePointCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** {@code rewind restore-point create --name N [--tables ...]}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a restore point at now: completes when the checkpoint passes it (exit 1 with what holds it back after --timeout).")
  static final class Create implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Mixin LeaseOptions lease;

    @Option(
        names = "--name",
        required = true,
        description = "Its name: letters, digits, '.', '_', '-' (at most 128).")
    String name;

    @Option(
        names = "--tables",
        split = ",",
        paramLabel = "NS:TABLE",
        description = "The tables it is for (default: every table).")
    List<String> tables = new ArrayList<>();

    @Option(
        names = "--timeout",
        converter = DurationConverter.class,
        description =
            "Give up when the checkpoint has not passed the point by then (default: ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofSeconds(60);

    @Option(names = "--json", description = "Print the point and how it was made as JSON.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      RewindConfig config = lease.apply(connection.config());
      PrintWriter out = spec.commandLine().getOut();
      try (ObjectStore store = ObjectStore.open(config);
          RestorePointCreator creator = new RestorePointCreator(config, store)) {
        RestorePointCreator.Result r;
        try (Audited audit =
            Audited.begin(
                config, store, "restore-point create", tables, "create restore point " + name)) {
          r =
              audit.run(
                  () -> creator.create(name, tables, timeout),
                  res ->
                      Map.of(
                          "time",
                          res.point.timeIso,
                          "latencyMs",
                          res.latencyMs,
                          "checkpointAtCompletion",
                          res.point.checkpointAtCompletionIso,
                          "leaseEpoch",
                          res.point.leaseEpoch));
        }
        if (json) {
          out.println(
              Json.MAPPER
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(StoreRequestsField.added(Json.MAPPER, r, store.requests())));
        } else {
          out.printf(
              "restore point %s at %s committed in %d ms (checkpoint %s; %d of %d queues claimed past it%s)%n",
              r.point.name,
              r.point.timeIso,
              r.latencyMs,
              r.point.checkpointAtCompletionIso,
              r.point.queuesAnswered,
              r.point.queues,
              r.rollRequested ? ", archivers rolled" : "");
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code rewind restore-point list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the restore points, oldest first.")
  static final class ListPoints implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(names = "--json", description = "Print {\"points\": [...], \"storeRequests\": {...}}.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (ObjectStore store = ObjectStore.open(connection.config())) {
        List<RestorePoint> points = new RestorePoints(store).all();
        if (json) {
          Map<String, Object> report = new LinkedHashMap<>();
          report.put("points", points);
          report.put(StoreRequestsField.NAME, store.requests());
          out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else if (points.isEmpty()) {
          out.println("no restore points in " + store);
        } else {
          for (RestorePoint p : points) {
            out.printf(
                "%-30s %s  %s  committed %s%n",
                p.name,
                p.timeIso,
                p.tables.isEmpty() ? "every table" : String.join(",", p.tables),
                TimeParser.format(p.completedAt));
          }
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code rewind restore-point delete --name N}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a restore point: retention no longer keeps what a restore to it needs.")
  static final class Delete implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Mixin LeaseOptions lease;

    @Option(
        names = "--name",
        required = true,
        description = "The point's name (rewind restore-point list).")
    String name;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      RewindConfig config = lease.apply(connection.config());
      PrintWriter out = spec.commandLine().getOut();
      try (ObjectStore store = ObjectStore.open(config);
          Lease held =
              new Leases(store, LeaseSettings.from(config), System::currentTimeMillis)
                  .acquire(
                      "restore-point delete",
                      List.of(LeaseResources.restorePoint(RestorePoints.checkName(name))))) {
        RestorePoints points = new RestorePoints(store);
        RestorePoint point =
            points
                .read(name)
                .orElseThrow(
                    () ->
                        new RewindException(
                            Kind.REFUSED,
                            "no restore point "
                                + name
                                + " in "
                                + store
                                + " (rewind restore-point list)"));
        try (Audited audit =
            Audited.begin(
                config,
                store,
                "restore-point delete",
                point.tables,
                "delete restore point " + name)) {
          audit.run(
              () -> {
                held.confirm();
                points.delete(name);
                return point;
              },
              p -> Map.of("time", p.timeIso, "leaseEpoch", held.epoch()));
        }
        if (json) {
          Map<String, Object> report = new LinkedHashMap<>();
          report.put("deleted", point);
          report.put(StoreRequestsField.NAME, store.requests());
          out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
          out.printf("deleted restore point %s at %s%n", point.name, point.timeIso);
        }
      }
      out.flush();
      return 0;
    }
  }
}
