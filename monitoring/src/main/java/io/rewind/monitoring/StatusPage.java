package io.rewind.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The status page: plain HTML and JavaScript (no build step) that fetches the status and its
 * history as JSON from the same server and draws the tables and an SVG chart of the RPO and the
 * archive lag. Served by the checkpoint app's HTTP server through {@link #routes()}:
 *
 * <ul>
 *   <li>{@code /status}: the page;
 *   <li>{@code /status.json}: the newest {@link StatusReport} (503 before the first collection);
 *   <li>{@code /status/history.json}: the sampled RPO and archive lag, oldest first.
 * </ul>
 */
public final class StatusPage {

  public static final String PAGE = "/status";
  public static final String REPORT = "/status.json";
  public static final String HISTORY = "/status/history.json";
  private static final String RESOURCE = "status.html";

  private final StatusSampler sampler;
  private final byte[] html;

  public StatusPage(StatusSampler sampler) {
    this.sampler = sampler;
    try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the status page resource "
                + RESOURCE
                + " is missing from the monitoring jar: rebuild it");
      }
      this.html = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the status page resource " + RESOURCE, e);
    }
  }

  /** The handlers by context path, for {@code HttpServer.createContext}. */
  public Map<String, HttpHandler> routes() {
    Map<String, HttpHandler> routes = new LinkedHashMap<>();
    routes.put(PAGE, this::page);
    routes.put(REPORT, this::report);
    routes.put(HISTORY, this::history);
    return routes;
  }

  private void page(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals(PAGE) && !path.equals(PAGE + "/")) {
      respond(
          exchange,
          404,
          "application/json",
          StatusJson.bytes(
              Map.of("error", "no such resource: use " + PAGE + ", " + REPORT + " or " + HISTORY)));
      return;
    }
    respond(exchange, 200, "text/html; charset=utf-8", html);
  }

  private void report(HttpExchange exchange) throws IOException {
    Optional<StatusReport> latest = sampler.latest();
    if (latest.isEmpty()) {
      respond(
          exchange,
          503,
          "application/json",
          StatusJson.bytes(
              Map.of(
                  "error",
                  "the first status collection is still running: retry in a few seconds")));
      return;
    }
    respond(exchange, 200, "application/json", StatusJson.bytes(latest.get()));
  }

  private void history(HttpExchange exchange) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("intervalMs", sampler.interval().toMillis());
    body.put("capacity", sampler.history().capacity());
    body.put("points", sampler.history().points());
    respond(exchange, 200, "application/json", StatusJson.bytes(body));
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
