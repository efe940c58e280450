package io.rewind.client.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseRulesTest {

  private static final long DURATION = 30_000;
  private static final long SKEW = 2_000;

  private static LeaseEntry candidate(String id, String... resources) {
    LeaseEntry e = new LeaseEntry();
    e.id = id;
    e.operation = "base";
    e.resources = List.of(resources);
    e.host = "h";
    e.pid = 1;
    e.process = "p";
    return e;
  }

  private static LeaseRecord granted(LeaseRecord r, LeaseEntry e, long now) {
    return LeaseRules.grant(r, e, now, DURATION, SKEW).orElseThrow();
  }

  @Test
  void disjointTablesAreGrantedSideBySideEachWithAHigherEpoch() {
    LeaseRecord r = granted(new LeaseRecord(), candidate("a", "table:ns:a"), 0);
    LeaseRecord r2 = granted(r, candidate("b", "table:ns:b"), 10);
    assertThat(r2.leases).extracting(e -> e.id).containsExactly("a", "b");
    assertThat(r2.leases.get(0).epoch).isEqualTo(1);
    assertThat(r2.leases.get(1).epoch).isEqualTo(2);
    assertThat(r2.leases.get(1).expiresAt).isEqualTo(10 + DURATION);
  }

  @Test
  void aSharedResourceIsRefusedWhileTheHolderIsLiveAndGrantedOnceItExpiredPlusSkew() {
    LeaseRecord r = granted(new LeaseRecord(), candidate("a", "table:ns:a", "stream"), 0);
    assertThat(LeaseRules.grant(r, candidate("b", "stream"), DURATION + SKEW - 1, DURATION, SKEW))
        .isEmpty();
    assertThat(LeaseRules.blockers(r, List.of("stream"), 100, SKEW))
        .extracting(e -> e.id)
        .containsExactly("a");
    LeaseRecord taken =
        LeaseRules.grant(r, candidate("b", "stream"), DURATION + SKEW, DURATION, SKEW)
            .orElseThrow();
    assertThat(taken.leases).extracting(e -> e.id).containsExactly("b");
    assertThat(taken.leases.get(0).epoch).isGreaterThan(r.leases.get(0).epoch);
  }

  @Test
  void aSetIsTakenWholeOrNotAtAll() {
    LeaseRecord r = granted(new LeaseRecord(), candidate("a", "table:ns:b"), 0);
    assertThat(LeaseRules.grant(r, candidate("c", "table:ns:a", "table:ns:b"), 1, DURATION, SKEW))
        .isEmpty();
  }

  @Test
  void aRenewalMovesTheExpiryEvenLateWhileTheEntryIsStillThereAndFailsOnceItIsGone() {
    LeaseRecord r = granted(new LeaseRecord(), candidate("a", "stream"), 0);
    long epoch = r.leases.get(0).epoch;
    LeaseRecord renewed = LeaseRules.renew(r, "a", epoch, 10_000, DURATION, SKEW).orElseThrow();
    assertThat(renewed.leases.get(0).expiresAt).isEqualTo(40_000);
    // Paused past expiry, but nobody took over: still its lease.
    LeaseRecord late = LeaseRules.renew(renewed, "a", epoch, 100_000, DURATION, SKEW).orElseThrow();
    assertThat(late.leases.get(0).expiresAt).isEqualTo(130_000);
    LeaseRecord takenOver =
        LeaseRules.grant(renewed, candidate("b", "stream"), 100_000, DURATION, SKEW).orElseThrow();
    assertThat(LeaseRules.renew(takenOver, "a", epoch, 100_001, DURATION, SKEW)).isEmpty();
  }

  @Test
  void aReleaseDropsTheLeaseAndTheDeadOnes() {
    LeaseRecord r = granted(new LeaseRecord(), candidate("a", "stream"), 0);
    r = granted(r, candidate("b", "table:ns:a"), 1);
    LeaseRecord released = LeaseRules.release(r, "b", DURATION + SKEW + 1, SKEW);
    assertThat(released.leases).isEmpty();
    assertThat(released.sequence).isEqualTo(r.sequence + 1);
  }

  @Test
  void theWildcardOfAnUnreadableRecordBlocksEverything() {
    LeaseRecord r = new LeaseRecord();
    LeaseEntry unknown = candidate("?", LeaseResources.EVERYTHING);
    unknown.expiresAt = 1_000;
    r.leases.add(unknown);
    assertThat(LeaseRules.grant(r, candidate("a", "table:x:y"), 0, DURATION, SKEW)).isEmpty();
  }
}
