package io.rewind.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.cli.CliRun;
import io.rewind.client.config.RewindConfig;
import io.rewind.client.kafka.KafkaClients;
import io.rewind.client.store.ObjectStore;
import io.rewind.restore.Restore;
import io.rewind.testkit.archive.HistoryArchive;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archiver's resume and a restore's plan make the same number of requests whatever the length of
 * the history, once the store is indexed (with or without merging); read without the index they
 * grow with it, which shows the measurement can tell. Two stores of the same level-0 pattern, ten
 * times apart in length.
 */
class HistoryCostTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;

  @TempDir Path dir;

  private record Costs(HistoryCosts.Cost resume, HistoryCosts.Cost plan) {
    long resumeRequests() {
      return resume.requests().total();
    }

    long planRequests() {
      return plan.requests().total();
    }
  }

  /** Per store state: read as the archivers left it, indexed only, indexed and merged. */
  private record Stages(Costs unindexed, Costs indexed, Costs compacted) {}

  @Test
  void resumeAndPlanRequestsDoNotGrowWithHistoryOnceIndexed() throws Exception {
    Stages small = stages("small", 6);
    Stages large = stages("large", 60);

    assertThat((double) large.unindexed().resumeRequests() / small.unindexed().resumeRequests())
        .as("without the index a resume reads every manifest")
        .isGreaterThan(5);
    assertThat((double) large.unindexed().planRequests() / small.unindexed().planRequests())
        .isGreaterThan(5);
    for (String stage : new String[] {"indexed", "compacted"}) {
      Costs s = stage.equals("indexed") ? small.indexed() : small.compacted();
      Costs l = stage.equals("indexed") ? large.indexed() : large.compacted();
      assertThat((double) l.resumeRequests() / s.resumeRequests())
          .as("%s resume: %s vs %s", stage, l.resume(), s.resume())
          .isLessThanOrEqualTo(1.5);
      assertThat((double) l.planRequests() / s.planRequests())
          .as("%s plan: %s vs %s", stage, l.plan(), s.plan())
          .isLessThanOrEqualTo(1.5);
    }
  }

  private Stages stages(String name, int minutes) throws Exception {
    String uri = dir.resolve(name).toUri().toString();
    long first = Math.floorDiv(System.currentTimeMillis() - 3 * HOUR, HOUR) * HOUR;
    RewindConfig config = RewindConfig.of(Map.of(RewindConfig.STORE_URI, uri));
    KafkaClients clients = new KafkaClients(config);
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      // One segment every 5 s per partition: 72 or 720 of them.
      HistoryArchive.write(
          store,
          clients.serdes(),
          new HistoryArchive.Shape(2, minutes * MINUTE, 4, 5_000, first, 100, 3));
    }
    long middle = first + minutes * MINUTE / 2;
    Costs unindexed = costs(uri, clients, middle);
    CliRun.succeed(
        "compact", "--once", "--store", uri, "--set", "compaction.settle.ms=" + 30 * 24 * HOUR);
    Costs indexed = costs(uri, clients, middle);
    CliRun.succeed("compact", "--once", "--store", uri, "--set", "compaction.grace.ms=0");
    Costs compacted = costs(uri, clients, middle);
    return new Stages(unindexed, indexed, compacted);
  }

  private static Costs costs(String uri, KafkaClients clients, long time) throws Exception {
    try (ObjectStore store = ObjectStore.open(uri, Map.of())) {
      Restore restore = new Restore(store, clients.serdes(), clients.topics().edits());
      return new Costs(HistoryCosts.resume(store), HistoryCosts.plan(store, restore, time));
    }
  }
}
