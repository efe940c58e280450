package io.rewind.testkit.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.checkpoint.CheckpointEvent;
import io.rewind.checkpoint.CheckpointResult;
import io.rewind.checkpoint.CheckpointRules;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckpointWorkloadTest {

  @Test
  void benchWorkloadAdvancesTheCheckpointAndRulesEqualReference() {
    List<CheckpointEvent> events = CheckpointWorkload.generate(20, 80, 7);
    CheckpointRules rules = new CheckpointRules();
    ReferenceCheckpoint reference = new ReferenceCheckpoint();
    Long first = null;
    Long last = null;
    boolean churned = false;
    for (CheckpointEvent e : events) {
      Optional<CheckpointResult> c = e.applyTo(rules);
      assertThat(c).as("after %s", e).isEqualTo(reference.add(e));
      if (c.isPresent()) {
        assertThat(c.get().decreased()).isFalse();
        first = first == null ? c.get().time() : first;
        last = c.get().time();
      }
      churned |= rules.queueCount() > 20;
    }
    assertThat(first).as("a checkpoint is published").isNotNull();
    assertThat(last - first).as("and follows the workload's clock").isGreaterThan(5_000);
    assertThat(churned).as("servers die and start").isTrue();
    assertThat(rules.queueCount()).isBetween(20, 22);
  }
}
