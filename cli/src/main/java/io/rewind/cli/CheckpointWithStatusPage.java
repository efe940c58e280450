package io.rewind.cli;

import io.rewind.checkpoint.CheckpointApp;
import io.rewind.client.config.RewindConfig;
import io.rewind.monitoring.StatusCollector;
import io.rewind.monitoring.StatusMeters;
import io.rewind.monitoring.StatusPage;
import io.rewind.monitoring.StatusSampler;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The checkpoint app as {@code rewind checkpoint} and the demo run it: its HTTP endpoint also
 * serves the status page ({@code /status}, {@code /status.json}, {@code /status/history.json}) and
 * its {@code /metrics} also carry the status meters (RPO, lag, alert states), both fed by a {@link
 * StatusSampler} that collects every {@code monitor.sample.interval.ms}.
 */
public final class CheckpointWithStatusPage implements AutoCloseable {

  private final CheckpointApp app;
  private final StatusSampler sampler;

  public CheckpointWithStatusPage(RewindConfig config) {
    this(config, config);
  }

  /**
   * The checkpoint app with {@code config}, the status collector with {@code statusConfig} (its own
   * Kafka principal, when secure).
   */
  public CheckpointWithStatusPage(RewindConfig config, RewindConfig statusConfig) {
    this.app = new CheckpointApp(config);
    this.sampler = new StatusSampler(new StatusCollector(statusConfig));
    new StatusMeters(sampler, statusConfig).bindTo(app.meterRegistry());
    new StatusPage(sampler).routes().forEach(app::addRoute);
  }

  public void start() {
    app.start();
    sampler.start();
  }

  public CheckpointApp app() {
    return app;
  }

  StatusSampler sampler() {
    return sampler;
  }

  /** The status page's URL, or empty when the app's HTTP endpoint is off. */
  public Optional<String> statusUrl() {
    return app.httpAddress().map(CheckpointWithStatusPage::url);
  }

  private static String url(InetSocketAddress a) {
    String host =
        a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    return "http://" + host + ":" + a.getPort() + StatusPage.PAGE;
  }

  @Override
  public void close() {
    sampler.close();
    app.close();
  }
}
