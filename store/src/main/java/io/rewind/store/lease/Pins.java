package io.rewind.store.lease;

import io.rewind.client.lease.LeaseSettings;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins in a store ({@code pins/}). The order of writes is what makes them work: a restore writes
 * its pin before it reads the retention floor, the index and the bases; retention writes the floor
 * (or holds the table's lease) before it reads the pins. Whichever comes second sees the other's
 * write: either retention keeps what the pin names, or the restore plans above the new floor (and
 * waits out a base deletion).
 */
public final class Pins {

  private static final Logger LOG = LoggerFactory.getLogger(Pins.class);

  public static final String DIR = "pins";

  private final ObjectStore store;
  private final LeaseSettings settings;
  private final LongSupplier clock;

  public Pins(ObjectStore store, LeaseSettings settings, LongSupplier clock) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  static String key(String id) {
    return DIR + "/" + id + ".json";
  }

  /**
   * Pins every offset of every partition and every base of {@code tables} (null: every table), then
   * renews the pin until closed: what a restore holds until it knows its plan.
   */
  public PinHandle pinEverything(String purpose, Collection<String> tables) throws IOException {
    Pin pin = new Pin();
    pin.id = UUID.randomUUID().toString();
    pin.purpose = purpose;
    pin.host = hostName();
    pin.pid = ProcessHandle.current().pid();
    pin.createdAt = clock.getAsLong();
    pin.tables = tables == null ? null : new ArrayList<>(tables);
    PinHandle handle = new PinHandle(this, pin);
    handle.write();
    return handle;
  }

  /** The pins whose holders renewed them lately (expiry plus clock skew still ahead). */
  public List<Pin> live() throws IOException {
    List<Pin> live = new ArrayList<>();
    long now = clock.getAsLong();
    for (FileStatus s : store.list(DIR)) {
      String name = s.getPath().getName();
      if (!name.endsWith(".json") || name.startsWith(".")) {
        continue;
      }
      Optional<Pin> pin;
      try {
        pin = SelfChecksummedJson.decode(store.read(DIR + "/" + name), Pin.class);
      } catch (FileNotFoundException e) {
        continue;
      }
      if (pin.isEmpty()) {
        // Being written (a local store writes in place): keep everything until it reads whole.
        Pin unknown = new Pin();
        unknown.id = name;
        unknown.purpose = "unreadable pin " + DIR + "/" + name;
        unknown.expiresAt = now + settings.durationMs();
        live.add(unknown);
      } else if (pin.get().expiresAt + settings.skewMs() > now) {
        live.add(pin.get());
      } else if (now - pin.get().expiresAt > settings.durationMs() * 10) {
        // A holder that died long ago: its pin protects nothing any more.
        store.delete(DIR + "/" + name);
      }
    }
    return live;
  }

  /**
   * The first pinned offset of a partition over {@code pins}: nothing at or above it may go.
   * Long.MAX_VALUE when none.
   */
  public static long firstPinnedOffset(List<Pin> pins, int partition) {
    long first = Long.MAX_VALUE;
    for (Pin p : pins) {
      if (p.partitions == null) {
        return Long.MIN_VALUE;
      }
      Long from = p.partitions.get(partition);
      if (from != null) {
        first = Math.min(first, from);
      }
    }
    return first;
  }

  /** Whether a base is pinned by one of {@code pins}. */
  public static boolean basePinned(List<Pin> pins, String table, String id) {
    for (Pin p : pins) {
      if (p.bases != null
          ? p.bases.contains(table + " " + id)
          : p.tables == null || p.tables.contains(table)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The write time after which {@code pins} hold a table's bulk loads: a load written later must
   * stay. Long.MIN_VALUE when one pins them all, Long.MAX_VALUE when none pins any.
   */
  public static long bulkLoadsPinnedAfter(List<Pin> pins, String table) {
    long after = Long.MAX_VALUE;
    for (Pin p : pins) {
      if (p.bulkLoadsAfter == null) {
        if (p.tables == null || p.tables.contains(table)) {
          return Long.MIN_VALUE;
        }
      } else if (p.bulkLoadsAfter.containsKey(table)) {
        after = Math.min(after, p.bulkLoadsAfter.get(table));
      }
    }
    return after;
  }

  void write(Pin pin) throws IOException {
    store.write(key(pin.id), SelfChecksummedJson.encode(pin));
  }

  void delete(Pin pin) throws IOException {
    store.delete(key(pin.id));
  }

  LeaseSettings settings() {
    return settings;
  }

  long now() {
    return clock.getAsLong();
  }

  static Map<Integer, Long> copy(Map<Integer, Long> partitions) {
    return partitions == null ? null : new TreeMap<>(partitions);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      LOG.debug("no host name: {}", e.toString());
      return "unknown-host";
    }
  }
}
