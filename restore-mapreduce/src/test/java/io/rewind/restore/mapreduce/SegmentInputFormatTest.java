package io.rewind.restore.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.client.store.Manifest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentInputFormatTest {

  @Test
  void consecutiveSegmentsShareASplitUpToItsBytesAndALargerOneIsAlone() {
    List<SegmentInputFormat.PlannedSegment> plan = new ArrayList<>();
    for (long size : new long[] {10, 20, 30, 100, 5, 5, 60}) {
      Manifest m = new Manifest();
      m.segmentPath = "s" + plan.size();
      m.sizeBytes = size;
      plan.add(new SegmentInputFormat.PlannedSegment(m, 0));
    }
    List<List<SegmentInputFormat.PlannedSegment>> groups = SegmentInputFormat.groups(plan, 60);
    assertThat(groups)
        .extracting(g -> g.stream().map(s -> s.manifest().segmentPath).toList())
        .containsExactly(
            List.of("s0", "s1", "s2"), List.of("s3"), List.of("s4", "s5"), List.of("s6"));
    assertThat(SegmentInputFormat.groups(List.of(), 60)).isEmpty();
  }
}
