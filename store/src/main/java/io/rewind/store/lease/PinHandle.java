package io.rewind.store.lease;

import io.rewind.client.lease.LeaseLostException;
import io.rewind.client.lease.LeaseSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pin this process holds: renewed every third of a lease's duration until closed, which deletes
 * it.
 */
public final class PinHandle implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PinHandle.class);

  private final Pins pins;
  private final Pin pin;
  private final ScheduledExecutorService renewer;
  private volatile long renewedNanos;

  PinHandle(Pins pins, Pin pin) {
    this.pins = pins;
    this.pin = pin;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rewind-pin");
              t.setDaemon(true);
              return t;
            });
    long interval = pins.settings().renewIntervalMs();
    renewer.scheduleWithFixedDelay(this::renewQuietly, interval, interval, TimeUnit.MILLISECONDS);
  }

  public String id() {
    return pin.id;
  }

  /**
   * Narrows the pin to what the holder's plan reads: from these offsets, these bases ("table id"),
   * no bulk load.
   */
  public void narrow(Map<Integer, Long> partitions, List<String> bases) throws IOException {
    narrow(partitions, bases, Map.of());
  }

  /**
   * Narrows the pin to what the holder's plan reads: from these offsets, these bases ("table id"),
   * per table the bulk loads written after this time.
   */
  public synchronized void narrow(
      Map<Integer, Long> partitions, List<String> bases, Map<String, Long> bulkLoadsAfter)
      throws IOException {
    pin.partitions = Pins.copy(partitions);
    pin.bases = new ArrayList<>(bases);
    pin.bulkLoadsAfter = new TreeMap<>(bulkLoadsAfter);
    write();
  }

  /**
   * Throws when the pin may have lapsed (the holder was paused or cut off longer than it lasts):
   * retention or gc may have deleted what it reads, so the holder must start again.
   */
  public void check() {
    LeaseSettings s = pins.settings();
    if ((System.nanoTime() - renewedNanos) / 1_000_000 >= s.durationMs() - s.skewMs()) {
      throw new LeaseLostException(
          "the pin of "
              + pin.purpose
              + " was not renewed for more than "
              + (s.durationMs() - s.skewMs())
              + " ms (this process was paused or cut off from the store): retention or gc may have deleted what it reads; run it again");
    }
  }

  synchronized void write() throws IOException {
    long before = System.nanoTime();
    long now = pins.now();
    pin.renewedAt = now;
    pin.expiresAt = now + pins.settings().durationMs();
    pins.write(pin);
    renewedNanos = before;
  }

  private void renewQuietly() {
    try {
      write();
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "renewing the pin of {} failed, trying again in {} ms: {}",
          pin.purpose,
          pins.settings().renewIntervalMs(),
          e.toString());
    }
  }

  @Override
  public void close() {
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(10, TimeUnit.SECONDS);
      pins.delete(pin);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn(
          "deleting the pin of {} failed ({}): it lapses by itself in {} ms",
          pin.purpose,
          e.toString(),
          pins.settings().durationMs());
    }
  }
}
