package io.rewind.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rewind.client.store.Manifest;
import io.rewind.store.catalog.ManifestStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumePlanTest {

  private static Manifest manifest(long start, long end) {
    Manifest m = new Manifest();
    m.partition = 2;
    m.startOffset = start;
    m.endOffset = end;
    return m;
  }

  private static final ManifestStore.Chain CHAIN =
      ManifestStore.chain(
          List.of(manifest(0, 10), manifest(10, 25), manifest(25, 40), manifest(50, 60)));

  @Test
  void resumesFromTheEndOfTheContiguousChainNotFromTheCommittedOffset() {
    ResumePlan plan = ResumePlan.of("edits", 2, CHAIN, 0, 100, 10L, false);

    assertThat(plan.startOffset()).isEqualTo(40);
    assertThat(plan.archivedEnd()).isEqualTo(40);
    assertThat(plan.toRepublish()).extracting(m -> m.startOffset).containsExactly(10L, 25L);
    assertThat(plan.commitNeeded()).isTrue();
  }

  @Test
  void republishesTheWholeChainWhenTheGroupNeverCommitted() {
    ResumePlan plan = ResumePlan.of("edits", 2, CHAIN, 0, 100, null, false);

    assertThat(plan.toRepublish()).hasSize(3);
    assertThat(plan.commitNeeded()).isTrue();
  }

  @Test
  void nothingToRepublishWhenTheCommittedOffsetIsTheChainEnd() {
    ResumePlan plan = ResumePlan.of("edits", 2, CHAIN, 5, 100, 40L, false);

    assertThat(plan.startOffset()).isEqualTo(40);
    assertThat(plan.toRepublish()).isEmpty();
    assertThat(plan.commitNeeded()).isFalse();
  }

  @Test
  void aNewStoreStartsAtOffsetZero() {
    ResumePlan plan =
        ResumePlan.of("edits", 2, ManifestStore.chain(List.of()), 0, 100, null, false);

    assertThat(plan.startOffset()).isZero();
    assertThat(plan.archivedEnd()).isEqualTo(-1);
    assertThat(plan.commitNeeded()).isFalse();
  }

  @Test
  void aNewStoreForALogThatNoLongerStartsAtZeroIsRefusedUnlessTheOperatorChoseSo() {
    assertThatThrownBy(
            () -> ResumePlan.of("edits", 2, ManifestStore.chain(List.of()), 17, 100, null, false))
        .isInstanceOf(UnarchivedStartException.class)
        .hasMessageContaining("the store holds nothing of edits-2, but the log starts at offset 17")
        .hasMessageContaining(ArchiverSettings.NEW_STORE_START + "=log-start");
  }

  @Test
  void aNewStoreForAGroupThatCommittedBeforeIsRefused() {
    assertThatThrownBy(
            () -> ResumePlan.of("edits", 2, ManifestStore.chain(List.of()), 0, 100, 30L, false))
        .isInstanceOf(UnarchivedStartException.class)
        .hasMessageContaining("the archiver group has committed offset 30")
        .hasMessageContaining("point store.uri back at it");
  }

  @Test
  void startsAtTheLogStartWhenNothingIsArchivedAndTheOperatorChoseSo() {
    ResumePlan plan = ResumePlan.of("edits", 2, ManifestStore.chain(List.of()), 17, 100, 30L, true);

    assertThat(plan.startOffset()).isEqualTo(17);
    assertThat(plan.archivedEnd()).isEqualTo(-1);
    assertThat(plan.toRepublish()).isEmpty();
    assertThat(plan.commitNeeded()).isFalse();
  }

  @Test
  void aChainEndingBelowTheLogStartIsDataLoss() {
    assertThatThrownBy(() -> ResumePlan.of("edits", 2, CHAIN, 41, 100, 40L, false))
        .isInstanceOf(DataLossException.class)
        .hasMessageContaining("edits-2")
        .hasMessageContaining("[40, 41)")
        .hasMessageContaining("retention.ms");
  }

  @Test
  void aChainEndingAtTheLogStartIsNoLoss() {
    assertThat(ResumePlan.of("edits", 2, CHAIN, 40, 100, 40L, false).startOffset()).isEqualTo(40);
  }

  @Test
  void aChainBeyondTheLogEndIsTruncation() {
    assertThatThrownBy(() -> ResumePlan.of("edits", 2, CHAIN, 0, 39, 39L, false))
        .isInstanceOf(LogTruncationException.class)
        .hasMessageContaining("edits-2")
        .hasMessageContaining("ends at 39");
  }
}
