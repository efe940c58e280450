package io.rewind.client.lease;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease held by this process, renewed every third of its duration on a thread of its own until
 * closed (closing releases it). Before each commit the operation calls {@link #check()}: free while
 * the last renewal is recent, otherwise (a pause, a slow store) it renews first and throws {@link
 * LeaseLostException} when another operation took the lease over meanwhile.
 */
public final class Lease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  private final Leases leases;
  private final LeaseEntry entry;
  private final ScheduledExecutorService renewer;
  private volatile long renewedNanos;
  private volatile String lost;
  private volatile boolean closed;

  Lease(Leases leases, LeaseEntry entry, long renewedNanos) {
    this.leases = leases;
    this.entry = entry;
    this.renewedNanos = renewedNanos;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-lease-" + entry.operation.replace(' ', '-'));
              t.setDaemon(true);
              return t;
            });
    long interval = leases.settings().renewIntervalMs();
    renewer.scheduleWithFixedDelay(this::renewQuietly, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * The fencing token: records this lease protects are written with it, and refused when one
   * carries a higher one.
   */
  public long epoch() {
    return entry.epoch;
  }

  public String id() {
    return entry.id;
  }

  public List<String> resources() {
    return entry.resources;
  }

  /** The lease as granted (holder, epoch, first expiry). */
  public LeaseEntry entry() {
    return entry;
  }

  /**
   * Throws when the lease is lost. Costs nothing while the last renewal is younger than the lease's
   * duration less the clock skew; past that (the process was paused, the store was slow) it renews
   * first, so a holder that was paused past its expiry finds out before it commits anything.
   */
  public void check() throws IOException {
    String reason = lost;
    if (reason != null) {
      throw new LeaseLostException(reason);
    }
    LeaseSettings s = leases.settings();
    if ((System.nanoTime() - renewedNanos) / 1_000_000 < s.durationMs() - s.skewMs()) {
      return;
    }
    confirm();
  }

  /**
   * Renews now (one compare-and-swap): the lease is held at least a full duration from here, or
   * this throws.
   */
  public synchronized void confirm() throws IOException {
    if (lost != null) {
      throw new LeaseLostException(lost);
    }
    long before = System.nanoTime();
    long now = leases.now();
    LeaseSettings s = leases.settings();
    boolean renewed =
        leases
            .update(
                r ->
                    LeaseRules.renew(r, entry.id, entry.epoch, now, s.durationMs(), s.skewMs())
                        .orElse(null))
            .isPresent();
    if (!renewed) {
      lost =
          "the lease of "
              + entry
              + " is gone: it expired (this process was paused or cut off from the store for more than "
              + s.durationMs()
              + " ms) and another operation may have taken it over; nothing more is committed under it";
      LOG.error(lost);
      throw new LeaseLostException(lost);
    }
    renewedNanos = before;
  }

  /** Marks the lease lost, for a holder that found a record written under a newer epoch. */
  public LeaseLostException lostTo(String what) {
    lost = "the lease of " + entry + " was taken over: " + what;
    LOG.error(lost);
    return new LeaseLostException(lost);
  }

  public boolean isLost() {
    return lost != null;
  }

  private void renewQuietly() {
    if (closed) {
      return;
    }
    try {
      confirm();
    } catch (LeaseLostException e) {
      renewer.shutdown();
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "renewing the lease of {} failed, trying again in {} ms: {}",
          entry,
          leases.settings().renewIntervalMs(),
          e.toString());
    }
  }

  /** Stops renewing and releases the lease (unless it was lost). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lost != null) {
      return;
    }
    try {
      long now = leases.now();
      leases.update(r -> LeaseRules.release(r, entry.id, now, leases.settings().skewMs()));
      LOG.info(
          "lease {} released: {} epoch {}",
          entry.id,
          String.join(", ", entry.resources),
          entry.epoch);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "releasing the lease of {} failed ({}): it expires by itself in {} ms",
          entry,
          e.toString(),
          leases.settings().durationMs());
    }
  }
}
