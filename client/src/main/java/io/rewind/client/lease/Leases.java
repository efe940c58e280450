package io.rewind.client.lease;

import io.rewind.client.store.ConditionalWrites;
import io.rewind.client.store.ObjectStore;
import io.rewind.client.store.SelfChecksummedJson;
import io.rewind.client.store.Versioned;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases on a store, held in one object ({@code leases/leases.json}, a {@link LeaseRecord}) written
 * only by compare-and-swap: S3's conditional PUT (If-None-Match / If-Match), a POSIX lock on a
 * local disk. Every host that can run an operation sees the store, so every host sees every lease;
 * nothing but the store is needed (compaction, gc and retention need nothing else either).
 */
public final class Leases {

  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

  public static final String DIR = "leases";
  public static final String KEY = DIR + "/leases.json";

  /** One id per process: a pid alone can come back after its holder died. */
  private static final String PROCESS = UUID.randomUUID().toString();

  private static final int CAS_ATTEMPTS = 20;

  private final ObjectStore store;
  private final LeaseSettings settings;
  private final LongSupplier clock;
  private final String host;
  private boolean probed;

  /**
   * When this process first read the record torn (it cannot tell who holds what), by its monotonic
   * clock.
   */
  private long tornSinceNanos = -1;

  public Leases(ObjectStore store, LeaseSettings settings, LongSupplier clock) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.host = hostName();
  }

  public ObjectStore store() {
    return store;
  }

  public LeaseSettings settings() {
    return settings;
  }

  long now() {
    return clock.getAsLong();
  }

  /**
   * Takes a lease, waiting up to {@link LeaseSettings#waitDefault()} for those who hold its
   * resources.
   */
  public Lease acquire(String operation, Collection<String> resources)
      throws IOException, InterruptedException {
    return acquire(operation, resources, settings.waitDefault());
  }

  /**
   * Takes a lease on {@code resources}, all of them or none, waiting up to {@code wait} while live
   * leases of other operations hold any of them; then renewed every third of its duration until
   * closed.
   *
   * @throws LeaseBusyException naming the holders and their expiry once {@code wait} has passed
   */
  public Lease acquire(String operation, Collection<String> resources, Duration wait)
      throws IOException, InterruptedException {
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("a lease needs at least one resource");
    }
    checkStore();
    long deadline = System.nanoTime() + wait.toNanos();
    String waitingFor = null;
    while (true) {
      Current current = read();
      long now = now();
      LeaseEntry candidate = entry(operation, resources);
      Optional<LeaseRecord> granted =
          LeaseRules.grant(
              current.record, candidate, now, settings.durationMs(), settings.skewMs());
      if (granted.isPresent()) {
        long renewedNanos = System.nanoTime();
        if (write(current, granted.get())) {
          LOG.info(
              "lease {} taken: {} epoch {} until {}",
              candidate.id,
              String.join(", ", resources),
              candidate.epoch,
              candidate.expiresAt);
          return new Lease(this, candidate, renewedNanos);
        }
        continue;
      }
      List<LeaseEntry> blockers =
          LeaseRules.blockers(current.record, resources, now, settings.skewMs());
      if (System.nanoTime() - deadline >= 0) {
        throw new LeaseBusyException(operation, resources, blockers, now);
      }
      String holders = blockers.toString();
      if (!holders.equals(waitingFor)) {
        LOG.info(
            "{} waits for {}: {}",
            operation,
            String.join(", ", resources),
            new LeaseBusyException(operation, resources, blockers, now).getMessage());
        waitingFor = holders;
      }
      Thread.sleep(
          Math.max(1, Math.min(settings.pollMs(), (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /** The live leases, for status and messages. */
  public List<LeaseEntry> live() throws IOException {
    LeaseRecord r = read().record;
    List<LeaseEntry> live = new ArrayList<>();
    long now = now();
    for (LeaseEntry e : r.leases) {
      if (LeaseRules.live(e, now, settings.skewMs())) {
        live.add(e);
      }
    }
    return live;
  }

  /**
   * The entries holding {@code resource}, expired ones included: a holder past its expiry may only
   * be paused, and still act once it resumes. For those who read leases without taking one (the
   * endpoint, which must never wait) and step aside while anyone may be changing a table.
   */
  public List<LeaseEntry> present(String resource) throws IOException {
    List<LeaseEntry> holding = new ArrayList<>();
    for (LeaseEntry e : read().record.leases) {
      if (e.resources.contains(resource) || e.resources.contains(LeaseResources.EVERYTHING)) {
        holding.add(e);
      }
    }
    return holding;
  }

  /**
   * Applies {@code change} to the record by compare-and-swap, reading again after a conflict.
   *
   * @param change the next record, or null to leave the record as it is
   * @return the record written, or empty when {@code change} gave null
   */
  Optional<LeaseRecord> update(UnaryOperator<LeaseRecord> change) throws IOException {
    for (int attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
      Current current = read();
      LeaseRecord next = change.apply(current.record);
      if (next == null) {
        return Optional.empty();
      }
      if (write(current, next)) {
        return Optional.of(next);
      }
    }
    throw new IOException(
        "the lease record "
            + store.uri()
            + "/"
            + KEY
            + " kept changing under "
            + CAS_ATTEMPTS
            + " attempts to write it: too many operations renewing at once?");
  }

  private LeaseEntry entry(String operation, Collection<String> resources) {
    LeaseEntry e = new LeaseEntry();
    e.id = UUID.randomUUID().toString();
    e.operation = operation;
    e.resources = new ArrayList<>(resources);
    e.host = host;
    e.pid = ProcessHandle.current().pid();
    e.process = PROCESS;
    return e;
  }

  /**
   * The record and the version it was read at; a torn record blocks everything for a lease's
   * duration, then is replaced.
   */
  private Current read() throws IOException {
    Optional<Versioned> v = store.readVersioned(KEY);
    if (v.isEmpty()) {
      return new Current(new LeaseRecord(), null);
    }
    Optional<LeaseRecord> record = SelfChecksummedJson.decode(v.get().bytes(), LeaseRecord.class);
    if (record.isPresent()) {
      tornSinceNanos = -1;
      return new Current(record.get(), v.get().version());
    }
    if (tornSinceNanos < 0) {
      tornSinceNanos = System.nanoTime();
      LOG.warn(
          "{}/{} is torn or tampered with (its checksum does not match): nobody can tell who holds what, so no lease is"
              + " granted for {} ms, then it is replaced",
          store.uri(),
          KEY,
          settings.durationMs() + settings.skewMs());
    }
    LeaseRecord blocking = new LeaseRecord();
    if ((System.nanoTime() - tornSinceNanos) / 1_000_000
        < settings.durationMs() + settings.skewMs()) {
      LeaseEntry unknown = new LeaseEntry();
      unknown.id = "unreadable";
      unknown.operation = "(unreadable lease record " + KEY + ")";
      unknown.resources = List.of(LeaseResources.EVERYTHING);
      unknown.host = "?";
      unknown.expiresAt = now() + settings.durationMs();
      blocking.leases.add(unknown);
    }
    // Epochs must keep growing past any the lost record gave out: restart them from the clock.
    blocking.sequence = now() * 1000;
    return new Current(blocking, v.get().version());
  }

  private boolean write(Current current, LeaseRecord next) throws IOException {
    try {
      return store.writeIfVersion(KEY, SelfChecksummedJson.encode(next), current.version);
    } catch (AccessDeniedException e) {
      throw new IOException(
          "cannot write "
              + store.uri()
              + "/"
              + KEY
              + " ("
              + e.getMessage()
              + "): every operation that changes the store"
              + " takes a lease there; grant this role PutObject and GetObject on "
              + DIR
              + "/* (docs/operations.md, \"Kafka security\")",
          e);
    }
  }

  private synchronized void checkStore() throws IOException {
    if (probed) {
      return;
    }
    if (!store.conditionalWrites() && !store.unconditionalAllowed()) {
      throw new IllegalStateException(
          "the store "
              + store.uri()
              + " offers no conditional writes through Hadoop's FileSystem, which"
              + " leases need: use an s3a:// or file:// store, or set "
              + LeaseSettings.REQUIRE_CONDITIONAL_WRITES
              + "=false to take"
              + " leases with a read before a plain write (then run one operation per table at a time yourself)");
    }
    if ("s3a".equals(store.uri().getScheme()) && settings.requireConditionalWrites()) {
      ConditionalWrites.probe(store, DIR, LeaseSettings.REQUIRE_CONDITIONAL_WRITES);
    }
    probed = true;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static final class Current {
    final LeaseRecord record;
    final String version;

    Current(LeaseRecord record, String version) {
      this.record = record;
      this.version = version;
    }
  }
}
