package io.rewind.client.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases on a local store: grants, refusals naming the holder, waiting, expiry, loss, and
 * contention.
 */
class LeasesTest {

  @TempDir Path dir;
  private ObjectStore store;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  @BeforeEach
  void open() throws Exception {
    store = ObjectStore.open(dir.toUri().toString(), Map.of());
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  private Leases leases(long durationMs) {
    return new Leases(store, new LeaseSettings(durationMs, 100, 0, 20, true), clock::get);
  }

  @Test
  void theSecondHolderOfATableIsRefusedNamingTheFirstAndItsExpiryWhileAnotherTableIsGranted()
      throws Exception {
    Leases leases = leases(30_000);
    try (Lease a = leases.acquire("base", List.of(LeaseResources.table("ns:a")), Duration.ZERO);
        Lease b = leases.acquire("base", List.of(LeaseResources.table("ns:b")), Duration.ZERO)) {
      assertThat(b.epoch()).isGreaterThan(a.epoch());
      assertThatThrownBy(
              () ->
                  leases.acquire("retention", List.of(LeaseResources.table("ns:a")), Duration.ZERO))
          .isInstanceOf(LeaseBusyException.class)
          .hasMessageContaining("retention needs table:ns:a, leased by `rewind base` on host")
          .hasMessageContaining("epoch " + a.epoch())
          .hasMessageContaining("until 1970-01-01T00:17:10Z (30 s from now")
          .hasMessageContaining("--wait");
      assertThat(leases.live()).hasSize(2);
    }
    assertThat(leases.live()).isEmpty();
  }

  @Test
  void aWaiterGetsTheLeaseOnceTheHolderReleasesIt() throws Exception {
    Leases leases = leases(30_000);
    Lease held = leases.acquire("gc", List.of(LeaseResources.STREAM), Duration.ZERO);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Long> waiter =
          pool.submit(
              () -> {
                try (Lease l =
                    leases.acquire(
                        "compaction", List.of(LeaseResources.STREAM), Duration.ofSeconds(10))) {
                  return l.epoch();
                }
              });
      Thread.sleep(100);
      assertThat(waiter.isDone()).isFalse();
      held.close();
      assertThat(waiter.get()).isGreaterThan(held.epoch());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHolderPausedPastExpiryFindsItsLeaseGoneAtItsNextCheck() throws Exception {
    Leases leases = leases(1_000);
    Lease paused = leases.acquire("retention", List.of(LeaseResources.STREAM), Duration.ZERO);
    clock.addAndGet(1_101);
    try (Lease successor = leases.acquire("gc", List.of(LeaseResources.STREAM), Duration.ZERO)) {
      assertThat(successor.epoch()).isGreaterThan(paused.epoch());
      // The paused holder's clock says its last renewal is old: the check renews, and finds it
      // gone.
      Thread.sleep(1_000);
      assertThatThrownBy(paused::check)
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("is gone");
      paused.close();
      assertThat(leases.live()).extracting(e -> e.id).containsExactly(successor.id());
    }
  }

  @Test
  void aHolderPausedPastExpiryKeepsItsLeaseWhenNobodyTookItOver() throws Exception {
    Leases leases = leases(1_000);
    try (Lease paused =
        leases.acquire("compaction", List.of(LeaseResources.STREAM), Duration.ZERO)) {
      clock.addAndGet(5_000);
      Thread.sleep(1_000);
      paused.check();
      assertThat(leases.live())
          .singleElement()
          .satisfies(e -> assertThat(e.expiresAt).isEqualTo(clock.get() + 1_000));
    }
  }

  @Test
  void threadsRacingForOneTableGetItOneAtATime() throws Exception {
    Leases leases = leases(30_000);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 5; round++) {
                    try (Lease l =
                        new Leases(store, new LeaseSettings(30_000, 100, 0, 5, true), clock::get)
                            .acquire(
                                "base",
                                List.of(LeaseResources.table("ns:t")),
                                Duration.ofSeconds(30))) {
                      most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                      Thread.sleep(2);
                      inside.decrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<Void> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(most.get()).isEqualTo(1);
    assertThat(leases.live()).isEmpty();
  }

  @Test
  void aTornRecordBlocksEveryLeaseForADurationThenIsReplacedWithHigherEpochs() throws Exception {
    Leases leases = leases(1_000);
    long before;
    try (Lease l = leases.acquire("gc", List.of(LeaseResources.STREAM), Duration.ZERO)) {
      before = l.epoch();
    }
    Files.writeString(dir.resolve(Leases.KEY), "{\"torn");
    assertThatThrownBy(
            () -> leases.acquire("base", List.of(LeaseResources.table("ns:a")), Duration.ZERO))
        .isInstanceOf(LeaseBusyException.class)
        .hasMessageContaining("unreadable lease record");
    try (Lease l =
        leases.acquire("base", List.of(LeaseResources.table("ns:a")), Duration.ofSeconds(5))) {
      assertThat(l.epoch()).isGreaterThan(before);
    }
  }
}
