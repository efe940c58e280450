package io.rewind.monitoring;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in the Prometheus text format, on 127.0.0.1, for a process that has no other
 * HTTP server (an archiver). The checkpoint app serves its metrics on its own server.
 */
public final class MetricsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves on 127.0.0.1:{@code port} (0: a free port). */
  public static MetricsServer start(int port, PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot serve metrics on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "): choose another --metrics-port (0 picks a free one)",
          e);
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.createContext(
        "/metrics",
        exchange -> {
          try (exchange) {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", PROMETHEUS_TEXT);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          } catch (IOException | RuntimeException e) {
            LOG.warn("metrics request failed: {}", e.toString());
          }
        });
    server.setExecutor(executor);
    server.start();
    MetricsServer s = new MetricsServer(server, executor);
    LOG.info("serving metrics on {}", s.url());
    return s;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port() + "/metrics";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
