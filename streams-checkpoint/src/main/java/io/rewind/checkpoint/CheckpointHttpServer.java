package io.rewind.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rewind.client.time.TimeParser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint app's HTTP endpoint (JDK server, read-only GETs):
 *
 * <ul>
 *   <li>{@code /checkpoint}: the newest checkpoint as JSON (time, age, computed-at, held-by, rule);
 *       503 before there is one;
 *   <li>{@code /queues}: every known queue's contribution, the rule that gives it and its last
 *       marker's age;
 *   <li>{@code /metrics}: the app's meters in the Prometheus text format.
 * </ul>
 */
final class CheckpointHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointHttpServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** Fields in the order written, most important first. */
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final CheckpointStatus status;
  private final PrometheusMeterRegistry prometheus;
  private final Clock clock;

  private CheckpointHttpServer(
      HttpServer server, CheckpointStatus status, PrometheusMeterRegistry prometheus, Clock clock) {
    this.server = server;
    this.status = status;
    this.prometheus = prometheus;
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-checkpoint-http");
              t.setDaemon(true);
              return t;
            });
  }

  /** Binds {@code host:port} (port 0: a free one) and starts serving. */
  static CheckpointHttpServer start(
      String host,
      int port,
      CheckpointStatus status,
      PrometheusMeterRegistry prometheus,
      Clock clock) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IllegalStateException(
          "the checkpoint app cannot serve HTTP on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): choose another "
              + CheckpointApp.HTTP_PORT
              + " (0 picks a free port, -1 turns the endpoint off)",
          e);
    }
    CheckpointHttpServer s = new CheckpointHttpServer(server, status, prometheus, clock);
    server.createContext("/", s::handle);
    server.setExecutor(s.executor);
    server.start();
    LOG.info(
        "checkpoint app serving http://{}:{}/checkpoint, /queues and /metrics",
        host,
        s.address().getPort());
    return s;
  }

  /** Serves another path (longest prefix wins over this server's own "/"), on the same executor. */
  void route(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, JSON, error("only GET is served"));
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/checkpoint" -> checkpoint(exchange);
        case "/queues" -> respond(exchange, 200, JSON, MAPPER.writeValueAsBytes(queues()));
        case "/metrics" ->
            respond(
                exchange,
                200,
                PROMETHEUS_TEXT,
                prometheus.scrape().getBytes(StandardCharsets.UTF_8));
        default ->
            respond(
                exchange,
                404,
                JSON,
                error("no such resource: use /checkpoint, /queues or /metrics"));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("HTTP request {} failed: {}", exchange.getRequestURI(), e.toString());
    }
  }

  private void checkpoint(HttpExchange exchange) throws IOException {
    Optional<CheckpointStatus.Latest> latest = status.latest();
    if (latest.isEmpty()) {
      respond(
          exchange,
          503,
          JSON,
          error(
              "no checkpoint yet: the app waits for a cluster snapshot and for its claims to be archived"));
      return;
    }
    long now = clock.millis();
    CheckpointResult c = latest.get().result();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("time", c.time());
    body.put("time_iso", TimeParser.format(c.time()));
    body.put("age_ms", now - c.time());
    body.put("computed_at", latest.get().computedAt());
    body.put("computed_at_iso", TimeParser.format(latest.get().computedAt()));
    body.put("restored", latest.get().restored());
    body.put("held_by", c.heldBy() == null ? null : c.heldBy().toString());
    body.put("rule", c.rule());
    body.put("queues", c.queueCount());
    body.put("decreased", c.decreased());
    respond(exchange, 200, JSON, MAPPER.writeValueAsBytes(body));
  }

  private Map<String, Object> queues() {
    long now = clock.millis();
    QueueKey holder = status.latest().map(l -> l.result().heldBy()).orElse(null);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (QueueView v : status.queues()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("queue", v.queue().toString());
      row.put("server", v.queue().server());
      row.put("wal_group", v.queue().walGroup());
      row.put("contribution", v.contribution());
      row.put(
          "contribution_iso",
          v.contribution() == null ? null : TimeParser.format(v.contribution()));
      row.put("rule", v.rule());
      row.put(
          "last_marker_age_ms",
          v.lastMarkerSendTime() == null ? null : now - v.lastMarkerSendTime());
      row.put("removal_pending", v.removalPending());
      row.put("holds_checkpoint", v.queue().equals(holder));
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("count", rows.size());
    body.put("queues", rows);
    return body;
  }

  private static byte[] error(String message) throws IOException {
    return MAPPER.writeValueAsBytes(Map.of("error", message));
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
