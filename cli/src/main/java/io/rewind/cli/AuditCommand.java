package io.rewind.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.store.Json;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.time.TimeParser;
import io.rewind.store.audit.AuditLog;
import io.rewind.store.audit.AuditRecord;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind audit}: the store's audit trail, one line per command that changed or restored from
 * it.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "List the audit trail: every command that changed or restored from the store (base, base delete, retention, gc, compact,",
      "restore, verify), who ran it (OS user, host, Kafka principal), what, on which tables, when, and its outcome. An",
      "operation without an end record is shown as started: still running, or its process died."
    })
final class AuditCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only operations started at or after TIME (ISO-8601, epoch millis or relative like -7d); reads only the days from then on.")
  String since;

  @Option(names = "--json", description = "Print the operations as JSON.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RewindConfig config = connection.config();
    Long from = since == null ? null : new TimeParser(Clock.systemUTC()).parse(since).epochMillis();
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = RestoreCommand.openStore(config)) {
      List<AuditRecord> operations = new AuditLog(store, config).list(from);
      if (json) {
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("storeUri", store.uri().toString());
        if (from != null) {
          report.put("since", from);
          report.put("sinceIso", TimeParser.format(from));
        }
        report.set("operations", Json.MAPPER.valueToTree(operations));
        report.set(StoreRequestsField.NAME, Json.MAPPER.valueToTree(store.requests()));
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      } else {
        if (operations.isEmpty()) {
          out.println(
              "no audited operation in "
                  + store
                  + (from == null ? "" : " since " + TimeParser.format(from)));
        }
        for (AuditRecord r : operations) {
          out.printf(
              "%s  %-8s %-12s %s@%s%s  %s%s%s%n",
              r.startedAtIso,
              r.outcome,
              r.command,
              r.user,
              r.host,
              r.kafkaPrincipal == null ? "" : " (" + r.kafkaPrincipal + ")",
              r.what,
              r.tables == null || r.tables.isEmpty()
                  ? ""
                  : " [" + String.join(", ", r.tables) + "]",
              r.endedAt == null
                  ? ""
                  : " in "
                      + (r.endedAt - r.startedAt)
                      + " ms"
                      + (r.error == null ? "" : ": " + r.error));
        }
      }
    }
    out.flush();
    return 0;
  }
}
