package io.rewind.base.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;

import io.rewind.base.BaseImageCopyEngine;
import io.rewind.client.base.BaseImageFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileGroupInputFormatTest {

  @Test
  void everyFileOnceInAtMostTheTasksGroupsOfAboutEqualBytes() {
    Random random = new Random(3);
    List<PlannedCopy> copies = new ArrayList<>();
    long largest = 0;
    for (int i = 0; i < 57; i++) {
      long size = 1 + random.nextInt(1_000_000);
      largest = Math.max(largest, size);
      copies.add(
          new PlannedCopy(
              i,
              new BaseImageFile(),
              new BaseImageCopyEngine.Source("ns:t", "r", "r", "f", "h" + i, size)));
    }
    List<List<PlannedCopy>> groups = FileGroupInputFormat.groups(new ArrayList<>(copies), 8);
    assertThat(groups).hasSize(8).allSatisfy(g -> assertThat(g).isNotEmpty());
    assertThat(groups.stream().flatMap(List::stream).map(PlannedCopy::index).sorted().toList())
        .isEqualTo(copies.stream().map(PlannedCopy::index).toList());
    List<Long> bytes =
        groups.stream().map(g -> g.stream().mapToLong(c -> c.source().size()).sum()).toList();
    assertThat(
            bytes.stream().mapToLong(Long::longValue).max().getAsLong()
                - bytes.stream().mapToLong(Long::longValue).min().getAsLong())
        .as("no group more than one file heavier than another")
        .isLessThanOrEqualTo(largest);
  }

  @Test
  void fewerFilesThanTasksGiveOneGroupEach() {
    List<PlannedCopy> copies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      copies.add(
          new PlannedCopy(
              i,
              new BaseImageFile(),
              new BaseImageCopyEngine.Source("ns:t", "r", "r", "f", "h" + i, 10)));
    }
    assertThat(FileGroupInputFormat.groups(copies, 16)).hasSize(3);
  }
}
